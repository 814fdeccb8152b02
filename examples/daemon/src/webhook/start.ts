/** Turns the receiver on for a running engine: the dispatcher, its metrics, and the server. */
import type { WebhookSecrets } from "@image-updater/webhooks";
import type { HttpServer, RouteHandler } from "../http/http-server.js";
import type { Logger } from "../logging/logger.js";
import type { DaemonMetrics } from "../metrics/metrics.js";
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookTriggerTarget } from "./dispatch.js";
import { createWebhookMetrics } from "./webhook-metrics.js";
import type { WebhookOptions } from "./webhook-options.js";
import { startWebhookServer } from "./webhook-server.js";

/** A running receiver. */
export interface DaemonWebhook {
  readonly server: HttpServer;
  readonly dispatcher: WebhookDispatcher;
  /** Stops receiving, then waits for the checks pushes started. */
  close(): Promise<void>;
}

/** Starts the receiver on `options.port`, feeding `target`. */
export async function startDaemonWebhook(input: {
  readonly options: WebhookOptions;
  readonly target: WebhookTriggerTarget;
  readonly logger: Logger;
  readonly metrics?: DaemonMetrics;
  readonly extraSecrets?: () => WebhookSecrets;
  readonly routes?: Readonly<Record<string, RouteHandler>>;
}): Promise<DaemonWebhook> {
  const { options, logger } = input;
  const metrics = input.metrics === undefined ? undefined : createWebhookMetrics(input.metrics.registry);
  const dispatcher = createWebhookDispatcher({ target: input.target, logger, ...(metrics ? { metrics } : {}) });
  const server = await startWebhookServer({
    options,
    dispatcher,
    logger,
    ...(metrics ? { metrics } : {}),
    ...(input.extraSecrets ? { extraSecrets: input.extraSecrets } : {}),
    ...(input.routes ? { routes: input.routes } : {}),
  });
  const types = Object.keys({ ...input.extraSecrets?.(), ...options.secrets }).sort();
  logger.info("Starting webhook server", {
    port: server.port,
    secured_types: types.length > 0 ? types.join(",") : "none",
    require_secret: options.requireSecret,
  });
  if (options.requireSecret && types.length === 0) {
    const where =
      input.extraSecrets === undefined
        ? ""
        : " or the key webhook.<type>-secret of the Secret argocd-image-updater-secret";
    logger.warn(
      `No webhook secret is configured, so every delivery is refused: set --<type>-webhook-secret (e.g. --distribution-webhook-secret)${where}, or --webhook-require-secret=false`,
    );
  }
  return {
    server,
    dispatcher,
    async close() {
      await server.close();
      dispatcher.close();
      await dispatcher.idle();
    },
  };
}
