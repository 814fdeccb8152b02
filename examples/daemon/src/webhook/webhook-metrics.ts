/** The receiver's metrics, in the daemon's registry: deliveries by outcome, and push-to-write-back latency. */
import type { WebhookOutcome } from "@image-updater/webhooks";
import { Counter, Histogram, type Registry } from "prom-client";

/** What the receiver and the dispatcher record. */
export interface WebhookMetrics {
  /** One delivery, accepted or refused. */
  delivery(outcome: WebhookOutcome): void;
  /** Seconds from a push's delivery to its write-back. */
  latency(type: string, seconds: number): void;
}

/** Registers the webhook metrics in `registry`. */
export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const registers = [registry];
  const deliveries = new Counter({
    name: "argocd_image_updater_webhook_requests_total",
    help: "Webhook deliveries by registry type and outcome (accepted, or the refusal code)",
    labelNames: ["type", "outcome"],
    registers,
  });
  const latency = new Histogram({
    name: "argocd_image_updater_webhook_event_to_writeback_seconds",
    help: "Seconds from a webhook delivery to the write-back of the image it announced",
    labelNames: ["type"],
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
    registers,
  });
  return {
    delivery(outcome) {
      deliveries.inc({
        type: outcome.type ?? "unknown",
        outcome: outcome.kind === "accepted" ? "accepted" : outcome.refusal.code.toLowerCase(),
      });
    },
    latency: (type, seconds) => latency.observe({ type }, seconds),
  };
}
