import type { TypedEmitter, UpdaterEvents } from "@image-updater/core";
import type { KubeApiRequestEvent } from "@image-updater/k8s-source";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The daemon's Prometheus metrics, in a registry of their own (never prom-client's global one). */
export interface DaemonMetrics {
  readonly registry: Registry;
  /** Exposition text for `/metrics`. */
  text(): Promise<string>;
  readonly contentType: string;
  /** Updates the metrics from the engine's events; returns a function that unsubscribes. */
  observe(events: TypedEmitter<UpdaterEvents>): () => void;
  /** Counts one Kubernetes API request (Kubernetes mode). */
  readonly observeKubeRequest: (event: KubeApiRequestEvent) => void;
}

/** Options of {@link createDaemonMetrics}. */
export interface DaemonMetricsOptions {
  /** Also collect Node's process metrics (`process_*`, `nodejs_*`). @default true */
  readonly processMetrics?: boolean;
}

/** Outcomes answered without a request to the registry (a cache hit, a call shared with an identical one). */
const NOT_SENT = new Set(["cached", "shared"]);
/** Outcomes of requests the registry served, or that we gave up ourselves. Everything else is a failure. */
const NOT_FAILED = new Set(["ok", "not-found", "aborted", "ABORTED"]);

/**
 * argocd-image-updater's metric names (reference §5.6), this time all incremented; the seed's three names;
 * and request counters per registry, method and outcome. Applications are labelled `namespace/name`.
 */
export function createDaemonMetrics(options: DaemonMetricsOptions = {}): DaemonMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const applicationsWatched = new Gauge({
    name: "argocd_image_updater_applications_watched_total",
    help: "The total number of applications watched by Argo CD Image Updater",
    registers,
  });
  const applicationsWatchedSeed = new Gauge({
    name: "argocd_image_updater_applications_watched",
    help: "Number of applications watched (same value as argocd_image_updater_applications_watched_total)",
    registers,
  });
  const imagesWatched = new Gauge({
    name: "argocd_image_updater_images_watched_total",
    help: "Number of images watched by Argo CD Image Updater",
    labelNames: ["application"],
    registers,
  });
  const imagesUpdated = new Counter({
    name: "argocd_image_updater_images_updated_total",
    help: "Number of images updated by Argo CD Image Updater",
    labelNames: ["application"],
    registers,
  });
  const imagesUpdatedSeed = new Counter({
    name: "argocd_image_updater_images_updated",
    help: "Number of images updated (same count as argocd_image_updater_images_updated_total, summed)",
    registers,
  });
  const imageErrors = new Counter({
    name: "argocd_image_updater_images_errors_total",
    help: "Number of errors reported by Argo CD Image Updater",
    labelNames: ["application"],
    registers,
  });
  const imagesVanished = new Counter({
    name: "argocd_image_updater_images_vanished_total",
    help: "Times a running tag was no longer listed by its registry (deleted or moved)",
    labelNames: ["application"],
    registers,
  });
  const registryRequests = new Counter({
    name: "argocd_image_updater_registry_requests_total",
    help: "The number of requests to the registry API",
    labelNames: ["registry"],
    registers,
  });
  const registryFailures = new Counter({
    name: "argocd_image_updater_registry_requests_failed_total",
    help: "The number of failed requests to the registry API",
    labelNames: ["registry"],
    registers,
  });
  const registryOutcomes = new Counter({
    name: "argocd_image_updater_registry_requests_by_outcome_total",
    help: "Registry requests by registry, method and outcome (ok, not-found, auth, rate-limited, unavailable, protocol, aborted, cached)",
    labelNames: ["registry", "method", "outcome"],
    registers,
  });
  const registryResponseTime = new Histogram({
    name: "argocd_image_updater_registry_response_time",
    help: "Registry response time in seconds",
    labelNames: ["registry"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const pushGaveUp = new Counter({
    name: "argocd_image_updater_git_push_gave_up_total",
    help: "Pushes given up because the branch kept moving (retried first in the next cycle)",
    labelNames: ["repository"],
    registers,
  });
  const deferredApplications = new Counter({
    name: "argocd_image_updater_cycle_deferred_applications_total",
    help: "Applications whose check was deferred to the next cycle because a cycle spent its budget (--cycle-budget)",
    registers,
  });
  const cycles = new Counter({
    name: "argocd_image_updater_cycles_total",
    help: "Update cycles run",
    registers,
  });
  const cycleDuration = new Gauge({
    name: "argocd_image_updater_last_cycle_duration_seconds",
    help: "Duration of the last update cycle in seconds",
    registers,
  });

  function observe(events: TypedEmitter<UpdaterEvents>): () => void {
    // Images seen per application in the running cycle, published when it ends.
    const imagesByRun = new Map<string, Map<string, Set<string>>>();
    function seen(runId: string, application: { namespace: string; name: string }, alias: string): void {
      let apps = imagesByRun.get(runId);
      if (!apps) {
        apps = new Map();
        imagesByRun.set(runId, apps);
      }
      const key = `${application.namespace}/${application.name}`;
      let aliases = apps.get(key);
      if (!aliases) {
        aliases = new Set();
        apps.set(key, aliases);
      }
      aliases.add(alias);
    }
    const handlers: Partial<UpdaterEvents> = {
      "cycle:started": (e) => {
        applicationsWatched.set(e.applications);
        applicationsWatchedSeed.set(e.applications);
        imagesByRun.set(e.runId, new Map());
      },
      "cycle:deferred": (e) => {
        deferredApplications.inc(e.applications.length);
      },
      "cycle:finished": (e) => {
        cycles.inc();
        cycleDuration.set(e.durationMs / 1000);
        const apps = imagesByRun.get(e.runId);
        imagesByRun.delete(e.runId);
        if (!apps) return;
        imagesWatched.reset();
        for (const [application, aliases] of apps) imagesWatched.set({ application }, aliases.size);
      },
      "image:updating": (e) => seen(e.runId, e.application, e.alias),
      "image:up-to-date": (e) => seen(e.runId, e.application, e.alias),
      "image:no-candidate": (e) => seen(e.runId, e.application, e.alias),
      "image:skipped": (e) => seen(e.runId, e.application, e.alias),
      "image:vanished": (e) => imagesVanished.inc({ application: `${e.application.namespace}/${e.application.name}` }),
      "image:failed": (e) => {
        seen(e.runId, e.application, e.alias);
        imageErrors.inc({ application: `${e.application.namespace}/${e.application.name}` });
      },
      "application:failed": (e) => {
        imageErrors.inc({ application: `${e.application.namespace}/${e.application.name}` });
      },
      "writeback:failed": (e) => {
        for (const a of e.applications) imageErrors.inc({ application: `${a.namespace}/${a.name}` });
      },
      // Once per commit given up, however many applications it carried.
      "writeback:gave-up": (e) => pushGaveUp.inc({ repository: e.repoUrl }),
      "writeback:committed": (e) => {
        for (const change of e.changes) {
          imagesUpdated.inc({ application: `${change.application.namespace}/${change.application.name}` });
          imagesUpdatedSeed.inc();
        }
      },
      "registry:request": (e) => {
        registryOutcomes.inc({ registry: e.registry, method: e.method, outcome: e.outcome });
        if (NOT_SENT.has(e.outcome)) return;
        registryRequests.inc({ registry: e.registry });
        registryResponseTime.observe({ registry: e.registry }, e.durationMs / 1000);
        if (!NOT_FAILED.has(e.outcome)) registryFailures.inc({ registry: e.registry });
      },
    };
    const entries = Object.entries(handlers) as [keyof UpdaterEvents, UpdaterEvents[keyof UpdaterEvents]][];
    for (const [name, handler] of entries) events.on(name, handler);
    return () => {
      for (const [name, handler] of entries) events.off(name, handler);
    };
  }

  const kubeRequests = new Counter({
    name: "argocd_image_updater_k8s_api_requests_total",
    help: "The total number of Kubernetes API requests",
    labelNames: ["verb", "resource"],
    registers,
  });
  const kubeErrors = new Counter({
    name: "argocd_image_updater_k8s_api_errors_total",
    help: "The total number of Kubernetes API requests that failed (no answer, or an HTTP error status)",
    labelNames: ["verb", "resource"],
    registers,
  });
  // A 404 is an answer (a missing Secret, no Lease yet), not an API failure.
  const observeKubeRequest = (event: KubeApiRequestEvent) => {
    kubeRequests.inc({ verb: event.verb, resource: event.resource });
    if (event.status === null || (event.status >= 400 && event.status !== 404)) {
      kubeErrors.inc({ verb: event.verb, resource: event.resource });
    }
  };

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    observe,
    observeKubeRequest,
  };
}
