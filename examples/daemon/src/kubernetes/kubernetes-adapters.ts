/**
 * Kubernetes mode's adapters for the engine: Applications listed and watched from the API, Secrets and Argo
 * CD repository credentials read from it, ImageUpdater CRs and their status, the `argocd` write-back as a
 * patch, `ImagesUpdated` Events, and the leader election that decides whether this replica works at all.
 */
import { hostname } from "node:os";
import type {
  ApplicationSource,
  ApplicationWriter,
  ConfigResolver,
  SecretResolver,
  TypedEmitter,
  UpdaterEvents,
} from "@image-updater/core";
import {
  createImageUpdaterResources,
  createKubeClient,
  createKubernetesApplicationWriter,
  createKubernetesEventRecorder,
  createKubernetesSecrets,
  createKubernetesSource,
  createLeaderElector,
  type GitCredentialsResolver,
  type KubeApiRequestEvent,
  type KubeClient,
  type LeaderElector,
  loadKubeConfig,
} from "@image-updater/k8s-source";
import type { KubernetesRunOptions } from "./kubernetes-options.js";
import { followWebhookSecret, WEBHOOK_SECRET_REREAD_MS, type WebhookSecretFeed } from "./webhook-secret-feed.js";

/** What the daemon hands the engine in Kubernetes mode. */
export interface KubernetesAdapters {
  readonly client: KubeClient;
  readonly source: ApplicationSource;
  readonly secrets: SecretResolver;
  readonly gitCredentials: GitCredentialsResolver;
  readonly applicationWriter: ApplicationWriter;
  /** ImageUpdater CRs first, then annotations. */
  readonly configResolver: ConfigResolver;
  /**
   * Follows the engine: an `ImagesUpdated` Event for each write-back (unless `--disable-kube-events`), and
   * the ImageUpdater CRs' status after each cycle. Returns the unsubscribe.
   */
  observe(events: TypedEmitter<UpdaterEvents>): () => void;
  /** Starts the Lease election, when enabled. */
  elect(): LeaderElector | null;
  /**
   * Starts reading the webhook secrets from the Secret `argocd-image-updater-secret` in the Argo CD
   * namespace (where the install puts it), again every few seconds; resolves after the first read.
   * `onChange` is told the types whose secret appeared, changed or went away (names only).
   */
  followWebhookSecrets(onChange?: (types: readonly string[]) => void): Promise<WebhookSecretFeed>;
}

/** Hooks of {@link createKubernetesAdapters}. */
export interface KubernetesAdapterHooks {
  readonly matchApplicationNames: readonly string[];
  readonly matchApplicationLabel: string | null;
  readonly onWarning: (message: string, fields: Readonly<Record<string, string | number | undefined>>) => void;
  readonly onKubeRequest?: (event: KubeApiRequestEvent) => void;
}

/** Builds the API adapters. Throws core's `CONFIG_INVALID` when no kubeconfig can be loaded. */
export function createKubernetesAdapters(
  options: KubernetesRunOptions,
  hooks: KubernetesAdapterHooks,
): KubernetesAdapters {
  const config = loadKubeConfig(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {});
  const client = createKubeClient(config, hooks.onKubeRequest ? { onRequest: hooks.onKubeRequest } : {});
  const applications = createKubernetesSource({
    client,
    namespaces: options.namespaces,
    names: hooks.matchApplicationNames,
    ...(hooks.matchApplicationLabel ? { labelSelector: hooks.matchApplicationLabel } : {}),
    onWarning: (w) => hooks.onWarning(w.message, { object: w.object }),
  });
  const imageUpdaters = createImageUpdaterResources({
    client,
    namespaces: options.namespaces,
    onWarning: (object, message) => hooks.onWarning(message, { object }),
  });
  // Each cycle lists the ImageUpdater CRs with the Applications; a CR that cannot be read never stops the annotated ones.
  const source: ApplicationSource = {
    id: applications.id,
    async list(requestOptions) {
      await imageUpdaters.refresh(requestOptions).catch((error: unknown) => {
        hooks.onWarning(`could not list ImageUpdater resources: ${(error as Error).message}`, {});
      });
      return applications.list(requestOptions);
    },
    watch: (requestOptions) => applications.watch(requestOptions),
  };
  const secrets = createKubernetesSecrets({ client, argocdNamespace: options.argocdNamespace });
  const recorder = createKubernetesEventRecorder({
    client,
    uidOf: (ref) => (applications.lastSeen(ref)?.metadata as { uid?: string } | undefined)?.uid,
  });
  return {
    client,
    source,
    secrets: secrets.resolver,
    gitCredentials: secrets.gitCredentials,
    applicationWriter: createKubernetesApplicationWriter({ client, baseline: (ref) => applications.lastSeen(ref) }),
    configResolver: imageUpdaters.configResolver,
    observe(events) {
      const unsubscribeStatus = imageUpdaters.reportStatus(events);
      if (!options.kubeEvents) return unsubscribeStatus;
      const onCommitted: UpdaterEvents["writeback:committed"] = (event) => {
        for (const application of event.applications) {
          const changes = event.changes.filter(
            (c) => c.application.namespace === application.namespace && c.application.name === application.name,
          );
          recorder.imagesUpdated(application, changes).catch((error: unknown) => {
            hooks.onWarning(`could not send the ImagesUpdated Event: ${(error as Error).message}`, {
              application: `${application.namespace}/${application.name}`,
            });
          });
        }
      };
      events.on("writeback:committed", onCommitted);
      return () => {
        unsubscribeStatus();
        events.off("writeback:committed", onCommitted);
      };
    },
    followWebhookSecrets(onChange) {
      return followWebhookSecret({
        // Its own reader, caching for less than the feed's interval, so a rotation is seen at the next read.
        secrets: createKubernetesSecrets({ client, ttlMs: WEBHOOK_SECRET_REREAD_MS / 2 }).resolver,
        namespace: options.argocdNamespace,
        ...(onChange ? { onChange } : {}),
        onWarning: (message) => hooks.onWarning(message, {}),
      });
    },
    elect() {
      if (!options.leaderElection) return null;
      return createLeaderElector({
        client,
        namespace: options.leaderElectionNamespace,
        identity: process.env.POD_NAME || `${hostname()}_${process.pid}`,
        onError: (message) => hooks.onWarning(message, {}),
      });
    },
  };
}
