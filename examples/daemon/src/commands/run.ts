import { readFile } from "node:fs/promises";
import type { CycleCounters } from "@image-updater/core";
import { formatGoDuration } from "@image-updater/core";
import type { LeaderElector } from "@image-updater/k8s-source";
import type { WebhookSecrets } from "@image-updater/webhooks";
import type { RunCommandOptions } from "../config/run-options.js";
import type { HttpServer, RouteHandler } from "../http/http-server.js";
import { startHttpServer } from "../http/http-server.js";
import { acquireLeadership, type Leadership } from "../kubernetes/leadership.js";
import type { WebhookSecretFeed } from "../kubernetes/webhook-secret-feed.js";
import { logUpdaterEvents } from "../logging/event-log.js";
import type { Logger } from "../logging/logger.js";
import { createDaemonMetrics, type DaemonMetrics } from "../metrics/metrics.js";
import { type DaemonWebhook, startDaemonWebhook } from "../webhook/start.js";
import type { DaemonConfig, DaemonUpdater } from "../wiring.js";

/** Collaborators of {@link runDaemon}; tests replace `createUpdater`. */
export interface RunDependencies {
  readonly logger: Logger;
  readonly createUpdater: (config: DaemonConfig) => Promise<DaemonUpdater>;
  readonly version: string;
  /** Aborted on SIGTERM/SIGINT. */
  readonly signal?: AbortSignal;
  /** Called once the HTTP servers listen (tests read the chosen ports). */
  readonly onListening?: (ports: { health: number | null; metrics: number | null }) => void;
  /** Called once the webhook receiver listens (`--enable-webhook`). */
  readonly onWebhookListening?: (port: number) => void;
  /**
   * Webhook secrets from elsewhere, read per delivery; flags and environment win per type. Absent in
   * Kubernetes mode: the Secret `argocd-image-updater-secret` is read (and read again every few seconds).
   */
  readonly webhookSecrets?: () => WebhookSecrets;
  readonly metrics?: DaemonMetrics;
}

/** Result of `run`: the exit code and the counters of the last cycle. */
export interface RunResult {
  readonly exitCode: number;
  readonly lastCycle: CycleCounters | null;
}

/**
 * The `run` command: serves health and metrics and starts the engine's loop (or runs one cycle), then stops
 * gracefully when the signal aborts: the running cycle is aborted, the engine disposed, the servers closed.
 */
export async function runDaemon(options: RunCommandOptions, deps: RunDependencies): Promise<RunResult> {
  const { logger } = deps;
  logger.info(`image-updater ${deps.version} starting`, {
    loglevel: options.logLevel,
    interval: options.once ? "once" : formatGoDuration(options.intervalMs),
    healthport: options.healthPort ?? "off",
    metricsport: options.metricsPort ?? "off",
    dryrun: options.dryRun,
  });
  if (!options.once && options.intervalMs < 60_000) {
    logger.warn("interval is below 1m: registries may rate-limit the updater", {
      interval: formatGoDuration(options.intervalMs),
    });
  }

  const loaded = await loadDaemonConfig(options, logger);
  if (!loaded) return { exitCode: 1, lastCycle: null };

  const metrics = deps.metrics ?? createDaemonMetrics();
  const config = { ...loaded, onKubeRequest: metrics.observeKubeRequest };
  let ready = false;
  // Readiness follows leadership, as argocd-image-updater reports it: a standby is alive but not ready.
  let leading = true;
  const servers: HttpServer[] = [];
  let updater: DaemonUpdater | undefined;
  let elector: LeaderElector | null = null;
  let webhook: DaemonWebhook | undefined;
  try {
    const ports = await startServers(options, metrics, () => ready && leading, servers, logger);
    deps.onListening?.(ports);
    updater = await startObservedUpdater(deps, config, metrics);
    if (!updater) return { exitCode: 1, lastCycle: null };
    if (options.webhook.enabled && !options.once) {
      webhook = await startWebhook(options, updater, deps, metrics);
      if (!webhook) return { exitCode: 1, lastCycle: null };
      deps.onWebhookListening?.(webhook.server.port);
    }
    let lastCycle: CycleCounters | null = null;
    updater.events.on("cycle:finished", ({ runId: _runId, durationMs: _durationMs, ...counters }) => {
      lastCycle = counters;
      ready = true;
    });

    elector = updater.elect?.() ?? null;
    let signal = deps.signal;
    let leadership: Leadership | undefined;
    if (elector) {
      leading = false;
      leadership = await acquireLeadership(elector, deps.signal, logger);
      if (!leadership.signal) return { exitCode: 0, lastCycle };
      signal = leadership.signal;
      leading = true;
      elector.onStoppedLeading(() => {
        leading = false;
      });
    }

    if (options.once) {
      try {
        lastCycle = await updater.runOnce(signal ? { signal } : {});
      } catch (error) {
        if (!signal?.aborted) {
          logger.error("Update cycle failed", { error: error instanceof Error ? error.message : String(error) });
          return { exitCode: 1, lastCycle };
        }
      }
    } else {
      // The loop is the engine's: polling, the applications folder's watch, aborting on dispose.
      updater.start();
      await aborted(signal);
    }
    if (leadership?.lost()) return { exitCode: 1, lastCycle };
    if (deps.signal?.aborted) logger.info("Received termination signal, shutting down");
    return { exitCode: 0, lastCycle };
  } finally {
    await webhook?.close().catch(() => undefined);
    // Aborts the cycle in flight: a registry that never answers cannot hold the process past a pod's grace.
    await updater?.dispose().catch(() => undefined);
    // The Lease is released only after the last cycle stopped, so a standby never overlaps with it.
    await elector?.stop().catch(() => undefined);
    await Promise.all(servers.map((s) => s.close()));
  }
}

/** Resolves when `signal` aborts; never without one. */
export function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** Creates the engine with logs and metrics subscribed; logs and returns undefined when it cannot start. */
export async function startObservedUpdater(
  deps: RunDependencies,
  config: DaemonConfig,
  metrics: DaemonMetrics,
): Promise<DaemonUpdater | undefined> {
  try {
    const updater = await deps.createUpdater(config);
    logUpdaterEvents(updater.events, deps.logger, { dryRun: config.dryRun });
    metrics.observe(updater.events);
    return updater;
  } catch (error) {
    deps.logger.error("Could not start the updater", { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** Starts the receiver over `updater` (plus `routes` on its port); logs and returns undefined when it cannot. */
export async function startWebhook(
  options: RunCommandOptions,
  updater: DaemonUpdater,
  deps: RunDependencies,
  metrics: DaemonMetrics,
  routes?: Readonly<Record<string, RouteHandler>>,
): Promise<DaemonWebhook | undefined> {
  const { logger } = deps;
  const trigger = updater.trigger?.bind(updater);
  if (trigger === undefined) {
    logger.error("This engine cannot run targeted checks, so webhooks cannot be received");
    return undefined;
  }
  let feed: WebhookSecretFeed | undefined;
  try {
    // Kubernetes mode reads the Secret unless the caller supplies its own source of secrets.
    if (deps.webhookSecrets === undefined && updater.followWebhookSecrets) {
      feed = await updater.followWebhookSecrets((types) =>
        logger.info("Webhook secrets changed in the Secret argocd-image-updater-secret", { types: types.join(",") }),
      );
    }
    const extraSecrets = deps.webhookSecrets ?? feed?.current;
    const webhook = await startDaemonWebhook({
      options: options.webhook,
      target: { events: updater.events, trigger },
      logger,
      metrics,
      ...(extraSecrets ? { extraSecrets } : {}),
      ...(routes ? { routes } : {}),
    });
    const following = feed;
    if (following === undefined) return webhook;
    return {
      ...webhook,
      close() {
        following.stop();
        return webhook.close();
      },
    };
  } catch (error) {
    feed?.stop();
    logger.error("Could not start the webhook server", {
      port: options.webhook.port,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** Reads the files the options point at. Logs and returns `null` when one that was asked for is unreadable. */
export async function loadDaemonConfig(options: RunCommandOptions, logger: Logger): Promise<DaemonConfig | null> {
  const registriesConf = await readOptional(
    options.registriesConfPath,
    options.registriesConfText,
    options.registriesConfExplicit,
    "registries.conf",
    logger,
  );
  const template = await readOptional(
    options.git.messagePath,
    options.git.messageTemplateText,
    options.git.messagePathExplicit,
    "commit message template",
    logger,
  );
  const knownHosts = await readOptional(
    options.sshKnownHostsPath,
    null,
    options.sshKnownHostsExplicit,
    "SSH known hosts",
    logger,
  );
  if (
    registriesConf === undefined ||
    template === undefined ||
    knownHosts === undefined ||
    (options.applicationsDir === null && options.kubernetes === null)
  ) {
    return null;
  }
  return {
    applicationsDir: options.applicationsDir,
    kubernetes: options.kubernetes,
    secretsDir: options.secretsDir,
    argocdNamespace: options.argocdNamespace,
    registriesConf,
    commitMessageTemplate: template,
    sshKnownHosts: knownHosts,
    git: {
      user: options.git.user,
      email: options.git.email,
      signingKey: options.git.signingKey,
      signingMethod: options.git.signingMethod,
      signOff: options.git.signOff,
    },
    dryRun: options.dryRun,
    maxConcurrency: options.maxConcurrency,
    metadataCacheEntries: options.metadataCacheEntries,
    matchApplicationNames: options.matchApplicationNames,
    matchApplicationLabel: options.matchApplicationLabel,
    pullRequests: options.pullRequests,
    cacheDir: options.cacheDir,
    deadlines: options.deadlines,
    intervalMs: options.intervalMs,
    cycleBudgetMs: options.cycleBudgetMs,
    onWarning: (message, fields) => logger.warn(message, fields),
    onGitOperation: (event) =>
      logger.trace("Git operation", {
        operation: event.operation,
        repository: event.repoUrl,
        ok: event.ok,
        duration_ms: Math.round(event.durationMs),
      }),
  };
}

/** `undefined` = failure (already logged); `null` = nothing configured. */
async function readOptional(
  path: string | null,
  text: string | null,
  explicit: boolean,
  what: string,
  logger: Logger,
): Promise<string | null | undefined> {
  if (path === null) return text;
  try {
    const contents = await readFile(path, "utf8");
    logger.debug(`Loaded ${what}`, { path });
    return contents;
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "error";
    if (!explicit && code === "ENOENT") return null;
    logger.error(`Could not read the ${what}`, { path, error: code });
    return undefined;
  }
}

async function startServers(
  options: RunCommandOptions,
  metrics: DaemonMetrics,
  isReady: () => boolean,
  servers: HttpServer[],
  logger: Logger,
): Promise<{ health: number | null; metrics: number | null }> {
  const health: Record<string, RouteHandler> = {
    "/healthz": () => ({ status: 200, contentType: "text/plain; charset=utf-8", body: "OK" }),
    "/readyz": () =>
      isReady()
        ? { status: 200, contentType: "text/plain; charset=utf-8", body: "OK" }
        : { status: 503, contentType: "text/plain; charset=utf-8", body: "not ready: first cycle running" },
  };
  const metricsRoutes: Record<string, RouteHandler> = {
    "/metrics": async () => ({ status: 200, contentType: metrics.contentType, body: await metrics.text() }),
  };
  const samePort =
    options.healthPort !== null &&
    options.healthPort !== 0 &&
    options.healthPort === options.metricsPort &&
    options.healthHost === options.metricsHost;
  if (samePort && options.healthPort !== null) {
    const server = await startHttpServer({
      port: options.healthPort,
      ...(options.healthHost === null ? {} : { host: options.healthHost }),
      routes: { ...health, ...metricsRoutes },
    });
    servers.push(server);
    logger.info("Starting health probe and metrics server", { port: server.port });
    return { health: server.port, metrics: server.port };
  }
  let healthPort: number | null = null;
  let metricsPort: number | null = null;
  if (options.healthPort !== null) {
    const server = await startHttpServer({
      port: options.healthPort,
      ...(options.healthHost === null ? {} : { host: options.healthHost }),
      routes: health,
    });
    servers.push(server);
    healthPort = server.port;
    logger.info("Starting health probe server", { port: server.port });
  }
  if (options.metricsPort !== null) {
    const server = await startHttpServer({
      port: options.metricsPort,
      ...(options.metricsHost === null ? {} : { host: options.metricsHost }),
      routes: metricsRoutes,
    });
    servers.push(server);
    metricsPort = server.port;
    logger.info("Starting metrics server", { port: server.port });
  }
  return { health: healthPort, metrics: metricsPort };
}
