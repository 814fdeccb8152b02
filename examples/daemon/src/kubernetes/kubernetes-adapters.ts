/**
 * Kubernetes mode's adapters for the engine: Applications listed and watched from the API, Secrets and Argo
 * CD repository credentials read from it, the `argocd` write-back as a patch, `ImagesUpdated` Events, and
 * the leader election that decides whether this replica works at all.
 */
import { hostname } from "node:os";
import type {
  ApplicationSource,
  ApplicationWriter,
  SecretResolver,
  TypedEmitter,
  UpdaterEvents,
} from "@image-updater/core";
import {
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

/** What the daemon hands the engine in Kubernetes mode. */
export interface KubernetesAdapters {
  readonly client: KubeClient;
  readonly source: ApplicationSource;
  readonly secrets: SecretResolver;
  readonly gitCredentials: GitCredentialsResolver;
  readonly applicationWriter: ApplicationWriter;
  /** Sends an `ImagesUpdated` Event for each `argocd` or git write-back the engine reports; returns the unsubscribe. */
  recordEvents(events: TypedEmitter<UpdaterEvents>): () => void;
  /** Starts the Lease election, when enabled. */
  elect(): LeaderElector | null;
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
  const source = createKubernetesSource({
    client,
    namespaces: options.namespaces,
    names: hooks.matchApplicationNames,
    ...(hooks.matchApplicationLabel ? { labelSelector: hooks.matchApplicationLabel } : {}),
    onWarning: (w) => hooks.onWarning(w.message, { object: w.object }),
  });
  const secrets = createKubernetesSecrets({ client, argocdNamespace: options.argocdNamespace });
  const recorder = createKubernetesEventRecorder({
    client,
    uidOf: (ref) => (source.lastSeen(ref)?.metadata as { uid?: string } | undefined)?.uid,
  });
  return {
    client,
    source,
    secrets: secrets.resolver,
    gitCredentials: secrets.gitCredentials,
    applicationWriter: createKubernetesApplicationWriter({ client, baseline: (ref) => source.lastSeen(ref) }),
    recordEvents(events) {
      if (!options.kubeEvents) return () => {};
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
      return () => events.off("writeback:committed", onCommitted);
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
