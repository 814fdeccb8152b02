/**
 * The receiver's HTTP server: `POST /webhook?type=TYPE` (or `X-Registry-Type`) and `GET /healthz`. Refusals
 * are debug lines naming the type and the reason, never the secret or the body.
 */
import { createWebhookHandler, type WebhookOutcome, type WebhookSecrets } from "@image-updater/webhooks";
import { type HttpServer, type RouteHandler, startHttpServer } from "../http/http-server.js";
import type { Logger } from "../logging/logger.js";
import type { WebhookDispatcher } from "./dispatch.js";
import type { WebhookMetrics } from "./webhook-metrics.js";
import type { WebhookOptions } from "./webhook-options.js";

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  readonly options: WebhookOptions;
  readonly dispatcher: WebhookDispatcher;
  readonly logger: Logger;
  readonly metrics?: WebhookMetrics;
  /**
   * Secrets found elsewhere (the Secret `argocd-image-updater-secret` in Kubernetes mode), read per request;
   * flags and environment variables win over them.
   */
  readonly extraSecrets?: () => WebhookSecrets;
  /** More GET routes on the same port (the `webhook` command serves `/readyz` too). */
  readonly routes?: Readonly<Record<string, RouteHandler>>;
  /** @default all interfaces, as a Service needs */
  readonly host?: string;
}

function describe(outcome: WebhookOutcome, logger: Logger): void {
  if (outcome.kind === "refused") {
    logger.debug("Webhook refused", {
      type: outcome.type,
      status: outcome.refusal.status,
      reason: outcome.refusal.message,
    });
  } else if (outcome.events.length === 0) {
    logger.debug("Webhook accepted, no push in it", { type: outcome.type, reason: outcome.ignored });
  }
}

/** Starts the receiver. Resolves once it listens. */
export async function startWebhookServer(server: WebhookServerOptions): Promise<HttpServer> {
  const { options, dispatcher, logger, metrics } = server;
  const handler = createWebhookHandler({
    secrets:
      server.extraSecrets === undefined ? options.secrets : () => ({ ...server.extraSecrets?.(), ...options.secrets }),
    requireSecret: options.requireSecret,
    rateLimitPerHour: options.rateLimitPerHour,
    onEvents: (events, context) => dispatcher.dispatch(events, context),
    onOutcome: (outcome) => {
      metrics?.delivery(outcome);
      describe(outcome, logger);
    },
  });
  return startHttpServer({
    port: options.port,
    ...(server.host === undefined ? {} : { host: server.host }),
    routes: {
      "/healthz": () => ({ status: 200, contentType: "text/plain; charset=utf-8", body: "OK" }),
      ...server.routes,
    },
    listeners: { "/webhook": handler },
  });
}
