/**
 * Kubernetes Events on Applications, as argocd-image-updater writes them after a successful update: reason
 * `ImagesUpdated`, message `Successfully updated application '<app>'`, and one group of annotations per image
 * (`argocd-image-updater.image-<i>/full-image-name`, `image-name`, `old-tag`, `new-tag`).
 */
import type { ApplicationRef, RequestOptions } from "@image-updater/core";
import type { KubeClient } from "./kube-client.js";

/** One image change an Event reports. */
export interface ImageUpdateNote {
  /** Image name without tag, as the change names it (`registry/repo`). */
  readonly image: string;
  readonly oldTag: string | null;
  readonly newTag: string;
}

/** Options of {@link createKubernetesEventRecorder}. */
export interface KubernetesEventRecorderOptions {
  readonly client: KubeClient;
  /** `source.component` and `reportingComponent`. @default "argocd-image-updater" */
  readonly component?: string;
  /** The Application's uid, so `kubectl describe application` lists the Event; from the source's last view. */
  readonly uidOf?: (ref: ApplicationRef) => string | undefined;
  /** Clock, for tests. @default () => new Date() */
  readonly now?: () => Date;
}

/** Records the Events of updated Applications. */
export interface KubernetesEventRecorder {
  /** Creates the `ImagesUpdated` Event; rejects with the API's error (callers log it and carry on). */
  imagesUpdated(
    application: ApplicationRef,
    changes: readonly ImageUpdateNote[],
    options?: RequestOptions,
  ): Promise<void>;
}

/** `registry/repo` without any tag or digest. */
function imageName(image: string): string {
  const withoutDigest = image.split("@")[0] ?? image;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** Creates the Event recorder. */
export function createKubernetesEventRecorder(options: KubernetesEventRecorderOptions): KubernetesEventRecorder {
  const { client } = options;
  const component = options.component ?? "argocd-image-updater";
  const now = options.now ?? (() => new Date());
  return {
    async imagesUpdated(application, changes, requestOptions) {
      const annotations: Record<string, string> = {};
      for (const [index, change] of changes.entries()) {
        const prefix = `argocd-image-updater.image-${index}`;
        const name = imageName(change.image);
        annotations[`${prefix}/full-image-name`] = `${name}:${change.newTag}`;
        annotations[`${prefix}/image-name`] = name;
        annotations[`${prefix}/old-tag`] = change.oldTag ?? "";
        annotations[`${prefix}/new-tag`] = change.newTag;
      }
      const at = now().toISOString();
      const uid = options.uidOf?.(application);
      const event = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { generateName: `${application.name}.`, namespace: application.namespace, annotations },
        involvedObject: {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Application",
          name: application.name,
          namespace: application.namespace,
          ...(uid ? { uid } : {}),
        },
        reason: "ImagesUpdated",
        message: `Successfully updated application '${application.name}'`,
        type: "Normal",
        source: { component },
        reportingComponent: component,
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      };
      await client.call(
        { verb: "create", resource: "events", namespace: application.namespace },
        (callOptions) =>
          client.core.createNamespacedEvent({ namespace: application.namespace, body: event as never }, callOptions),
        requestOptions?.signal,
      );
    },
  };
}
