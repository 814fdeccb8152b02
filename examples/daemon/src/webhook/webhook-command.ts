/**
 * The `webhook` command: the receiver alone, no polling. Each accepted push checks the applications that
 * watch its image; `/healthz` and `/readyz` answer on the receiver's port, `/metrics` on its own.
 */

import type { RunDependencies, RunResult } from "../commands/run.js";
import { aborted, loadDaemonConfig, startObservedUpdater, startWebhook } from "../commands/run.js";
import type { RunCommandOptions } from "../config/run-options.js";
import { startHttpServer } from "../http/http-server.js";
import { createDaemonMetrics } from "../metrics/metrics.js";
import type { DaemonUpdater } from "../wiring.js";
import type { DaemonWebhook } from "./start.js";

/** `run` flags that mean nothing without polling. */
export const WEBHOOK_COMMAND_EXCLUDED_FLAGS: readonly string[] = ["interval", "once", "enable-webhook", "health-port"];

/** Runs the receiver until `deps.signal` aborts. */
export async function runWebhookCommand(options: RunCommandOptions, deps: RunDependencies): Promise<RunResult> {
  const { logger } = deps;
  logger.info(`image-updater ${deps.version} starting the webhook receiver`, {
    loglevel: options.logLevel,
    webhookport: options.webhook.port,
    metricsport: options.metricsPort ?? "off",
    dryrun: options.dryRun,
  });
  const config = await loadDaemonConfig(options, logger);
  if (!config) return { exitCode: 1, lastCycle: null };
  const metrics = deps.metrics ?? createDaemonMetrics();
  let updater: DaemonUpdater | undefined;
  let webhook: DaemonWebhook | undefined;
  const metricsServer =
    options.metricsPort === null
      ? undefined
      : await startHttpServer({
          port: options.metricsPort,
          routes: {
            "/metrics": async () => ({ status: 200, contentType: metrics.contentType, body: await metrics.text() }),
          },
        });
  try {
    updater = await startObservedUpdater(deps, config, metrics);
    if (!updater) return { exitCode: 1, lastCycle: null };
    const ok = { status: 200, contentType: "text/plain; charset=utf-8", body: "OK" };
    webhook = await startWebhook(options, updater, deps, metrics, { "/readyz": () => ok });
    if (!webhook) return { exitCode: 1, lastCycle: null };
    deps.onListening?.({ health: webhook.server.port, metrics: metricsServer?.port ?? null });
    deps.onWebhookListening?.(webhook.server.port);
    await aborted(deps.signal);
    logger.info("Received termination signal, shutting down");
    return { exitCode: 0, lastCycle: null };
  } finally {
    await webhook?.close().catch(() => undefined);
    await updater?.dispose().catch(() => undefined);
    await metricsServer?.close();
  }
}
