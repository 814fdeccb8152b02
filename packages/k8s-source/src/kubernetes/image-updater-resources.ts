/**
 * `ImageUpdater` custom resources (argocd-image-updater v1.x) read from the API, turned into the engine's
 * configuration by core's `resolveImageUpdater`, and their `status` written back as argocd-image-updater
 * writes it: conditions `Ready`/`Reconciling`/`Error`, `recentUpdates`, `lastUpdatedAt`, retried on conflict.
 * Applications no CR manages keep their annotations, so both styles work side by side.
 */
import {
  type Application,
  type ApplicationConfigResult,
  type ApplicationRef,
  type ConfigResolver,
  parseApplicationAnnotations,
  type RequestOptions,
  resolveImageUpdater,
  type TypedEmitter,
  type UpdaterEvents,
} from "@image-updater/core";
import type { KubeApiError, KubeClient } from "./kube-client.js";

const GROUP = "argocd-image-updater.argoproj.io";
const VERSION = "v1alpha1";
const PLURAL = "imageupdaters";

/** Options of {@link createImageUpdaterResources}. */
export interface ImageUpdaterResourcesOptions {
  readonly client: KubeClient;
  /** Namespaces whose CRs are read, or `"*"`. */
  readonly namespaces: readonly string[] | "*";
  /** @default "argocd-image-updater.argoproj.io" */
  readonly annotationPrefix?: string;
  readonly onWarning?: (object: string, message: string) => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/** The CRs as the engine and the daemon use them. */
export interface ImageUpdaterResources {
  /** Lists the CRs again; a missing CRD means none (said once). */
  refresh(options?: RequestOptions): Promise<void>;
  /** Core's configuration hook: CR matches first, then annotated Applications no CR manages. */
  readonly configResolver: ConfigResolver;
  /** Writes each CR's status after every cycle the engine reports; returns the unsubscribe. */
  reportStatus(events: TypedEmitter<UpdaterEvents>): () => void;
}

type Raw = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; generation?: number } };

const keyOf = (ref: ApplicationRef) => `${ref.namespace}/${ref.name}`;

/** Creates the CR reader and status writer. */
export function createImageUpdaterResources(options: ImageUpdaterResourcesOptions): ImageUpdaterResources {
  const { client } = options;
  const prefix = options.annotationPrefix ?? "argocd-image-updater.argoproj.io";
  const now = options.now ?? (() => new Date());
  const warn = options.onWarning ?? (() => {});
  let resources: Raw[] = [];
  let crdMissingSaid = false;
  /** CR `ns/name` → the Applications it matched in the last cycle, and its images count. */
  const managed = new Map<string, { applications: Set<string>; images: number; errors: string[] }>();

  const scopes = options.namespaces === "*" ? [""] : options.namespaces;
  const coordinates = (namespace: string) => ({ group: GROUP, version: VERSION, plural: PLURAL, namespace });

  const configResolver: ConfigResolver = (applications) => {
    const claimed = new Set<string>();
    const configured: { application: Application; result: ApplicationConfigResult }[] = [];
    managed.clear();
    for (const cr of resources) {
      const label = `${cr.metadata?.namespace}/${cr.metadata?.name}`;
      const resolution = resolveImageUpdater(cr, applications, { annotationPrefix: prefix });
      const errors = resolution.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.key}: ${d.message}`);
      for (const error of errors) warn(`ImageUpdater ${label}`, `ImageUpdater ${label}: ${error}`);
      const entry = { applications: new Set<string>(), images: 0, errors };
      managed.set(label, entry);
      for (const match of resolution.matches) {
        const key = keyOf(match.application);
        // The first CR that matches an Application manages it; a second one is told it lost.
        if (claimed.has(key)) {
          warn(
            `ImageUpdater ${label}`,
            `ImageUpdater ${label}: Application ${key} is already managed by another ImageUpdater; ignored here`,
          );
          continue;
        }
        claimed.add(key);
        entry.applications.add(key);
        entry.images += match.config.images.length;
        configured.push({
          application: match.application,
          result: { config: match.config, diagnostics: match.diagnostics },
        });
      }
    }
    for (const application of applications) {
      if (claimed.has(keyOf(application)) || application.annotations[`${prefix}/image-list`] === undefined) continue;
      configured.push({
        application,
        result: parseApplicationAnnotations(application.annotations, {
          prefix,
          application: { namespace: application.namespace, name: application.name },
        }),
      });
    }
    return configured;
  };

  const writeStatus = async (cr: Raw, update: (status: Record<string, unknown>) => Record<string, unknown>) => {
    const namespace = cr.metadata?.namespace ?? "";
    const name = cr.metadata?.name ?? "";
    for (let attempt = 1; attempt <= 5; attempt++) {
      const current = (await client.call({ verb: "get", resource: PLURAL, namespace, name }, (o) =>
        client.custom.getNamespacedCustomObject({ ...coordinates(namespace), name }, o),
      )) as Raw;
      const body = { ...current, status: update((current.status as Record<string, unknown>) ?? {}) };
      try {
        await client.call({ verb: "update", resource: `${PLURAL}/status`, namespace, name }, (o) =>
          client.custom.replaceNamespacedCustomObjectStatus({ ...coordinates(namespace), name, body }, o),
        );
        return;
      } catch (error) {
        if ((error as KubeApiError).status !== 409 || attempt === 5) throw error;
      }
    }
  };

  return {
    async refresh(requestOptions) {
      const next: Raw[] = [];
      for (const namespace of scopes) {
        try {
          const list = (await client.call(
            { verb: "list", resource: PLURAL, namespace },
            (o) =>
              namespace === ""
                ? client.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL }, o)
                : client.custom.listNamespacedCustomObject(coordinates(namespace), o),
            requestOptions?.signal,
          )) as { items?: Raw[] };
          next.push(...(list.items ?? []));
        } catch (error) {
          if ((error as KubeApiError).status !== 404) throw error;
          if (!crdMissingSaid)
            warn("ImageUpdater", "the ImageUpdater CRD is not installed; only annotations configure Applications");
          crdMissingSaid = true;
        }
      }
      resources = next;
    },
    configResolver,
    reportStatus(events) {
      const updates = new Map<
        string,
        { application: string; image: string; oldTag: string | null; newTag: string }[]
      >();
      const onCommitted: UpdaterEvents["writeback:committed"] = (event) => {
        const list = updates.get(event.runId) ?? [];
        for (const change of event.changes) list.push({ ...change, application: keyOf(change.application) });
        updates.set(event.runId, list);
      };
      const onFinished: UpdaterEvents["cycle:finished"] = (event) => {
        const changes = updates.get(event.runId) ?? [];
        updates.delete(event.runId);
        const at = now().toISOString();
        for (const cr of resources) {
          const label = `${cr.metadata?.namespace}/${cr.metadata?.name}`;
          const entry = managed.get(label);
          if (!entry) continue;
          const mine = changes.filter((c) => entry.applications.has(c.application));
          // recentUpdates groups by image and new version, counting the Applications, as argocd-image-updater does.
          const grouped = new Map<
            string,
            { image: string; newVersion: string; apps: Set<string>; from: string | null }
          >();
          for (const change of mine) {
            const key = `${change.image}:${change.newTag}`;
            const group = grouped.get(key) ?? {
              image: change.image,
              newVersion: change.newTag,
              apps: new Set(),
              from: change.oldTag,
            };
            group.apps.add(change.application);
            grouped.set(key, group);
          }
          const error = entry.errors[0];
          const condition = (type: string, status: boolean, reason: string, message: string) => ({
            type,
            status: status ? "True" : "False",
            reason,
            message,
            lastTransitionTime: at,
            observedGeneration: cr.metadata?.generation ?? 0,
          });
          void writeStatus(cr, (previous) => ({
            ...previous,
            observedGeneration: cr.metadata?.generation ?? 0,
            lastCheckedAt: at,
            ...(grouped.size > 0 ? { lastUpdatedAt: at } : {}),
            applicationsMatched: entry.applications.size,
            imagesManaged: entry.images,
            recentUpdates:
              grouped.size > 0
                ? [...grouped.values()].map((g) => ({
                    image: g.image,
                    newVersion: g.newVersion,
                    applicationsUpdated: g.apps.size,
                    updatedAt: at,
                    message: `Updated from ${g.from ?? "(none)"} to ${g.newVersion}.`,
                  }))
                : (previous.recentUpdates ?? []),
            conditions: [
              condition(
                "Ready",
                error === undefined,
                error === undefined ? "ReconcileSucceeded" : "ReconcileFailed",
                error ?? "Applications checked",
              ),
              condition("Reconciling", false, "ReconcileCompleted", "Waiting for the next cycle"),
              condition("Error", error !== undefined, error === undefined ? "NoError" : "InvalidSpec", error ?? ""),
            ],
          })).catch((failure: unknown) =>
            warn(
              `ImageUpdater ${label}`,
              `could not write the status of ImageUpdater ${label}: ${(failure as Error).message}`,
            ),
          );
        }
      };
      events.on("writeback:committed", onCommitted);
      events.on("cycle:finished", onFinished);
      return () => {
        events.off("writeback:committed", onCommitted);
        events.off("cycle:finished", onFinished);
      };
    },
  };
}
