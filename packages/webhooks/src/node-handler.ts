/**
 * A Node `http` request handler an SDK user mounts on their own server (or the daemon on its own): reads
 * the body up to a limit, spends the rate budget, hands the request to the receiver, answers at once, and
 * passes accepted pushes on. It never awaits the work the pushes start.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequestBudget } from "./rate-limit.js";
import { createWebhookReceiver, type WebhookReceiverOptions } from "./receiver.js";
import type { RegistryPushEvent, WebhookRefusal, WebhookRequest, WebhookType } from "./types.js";

/** argocd-image-updater's body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** What the handler reports for each request, for logs and metrics. */
export type WebhookOutcome =
  | {
      readonly kind: "accepted";
      readonly type: WebhookType;
      readonly events: readonly RegistryPushEvent[];
      readonly ignored?: string;
      /** `performance.now()` when the request arrived: the start of push-to-commit latency. */
      readonly receivedAt: number;
    }
  | {
      readonly kind: "refused";
      readonly type?: WebhookType;
      readonly refusal: WebhookRefusal;
      readonly receivedAt: number;
    };

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions extends WebhookReceiverOptions {
  /** Called with the pushes of every accepted request (possibly none). Exceptions are caught and ignored. */
  readonly onEvents: (events: readonly RegistryPushEvent[], context: { type: WebhookType; receivedAt: number }) => void;
  /** Called for every request, accepted or refused. */
  readonly onOutcome?: (outcome: WebhookOutcome) => void;
  /** Larger bodies get 413. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Requests admitted per hour across all types; more get 429. @default 0 (unlimited) */
  readonly rateLimitPerHour?: number;
}

/** Reads the body up to `limit` bytes; `undefined` when it is larger (the rest is discarded, not buffered). */
function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(over ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function firstValues(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in query)) query[key] = value;
  return query;
}

function headerRecord(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    headers[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function answer(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(`${text}\n`);
}

/**
 * Creates a `(request, response)` handler for webhook deliveries. Mount it on the path you like (the daemon
 * uses `/webhook`): it answers 200 for an accepted delivery, 4xx with a sentence for a refused one.
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const receiver = createWebhookReceiver(options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const budget = createRequestBudget(options.rateLimitPerHour ?? 0);
  const report = (outcome: WebhookOutcome) => {
    try {
      options.onOutcome?.(outcome);
    } catch {
      // A failing logger must not turn a delivery into a 500.
    }
  };
  const refuse = (response: ServerResponse, refusal: WebhookRefusal, receivedAt: number, type?: WebhookType) => {
    report({ kind: "refused", refusal, receivedAt, ...(type === undefined ? {} : { type }) });
    const headers: Record<string, string> = {};
    if (refusal.code === "RATE_LIMITED") headers["retry-after"] = String(Math.ceil(budget.retryAfterMs() / 1000));
    if (refusal.code === "METHOD_NOT_ALLOWED") headers.allow = "POST";
    answer(response, refusal.status, refusal.message, headers);
  };
  return (request, response) => {
    const receivedAt = performance.now();
    if (!budget.take()) {
      request.resume();
      refuse(
        response,
        { code: "RATE_LIMITED", status: 429, message: "too many webhook requests: retry later" },
        receivedAt,
      );
      return;
    }
    readBody(request, limit).then(
      (body) => {
        if (body === undefined) {
          refuse(
            response,
            { code: "PAYLOAD_TOO_LARGE", status: 413, message: `the body is larger than ${limit} bytes` },
            receivedAt,
          );
          return;
        }
        const url = new URL(request.url ?? "/", "http://receiver");
        const webhookRequest: WebhookRequest = {
          method: (request.method ?? "GET").toUpperCase(),
          headers: headerRecord(request),
          body,
          query: firstValues(url.searchParams),
        };
        const result = receiver.receive(webhookRequest);
        if (!result.ok) {
          refuse(response, result.refusal, receivedAt, result.type);
          return;
        }
        const type = result.type as WebhookType;
        report({
          kind: "accepted",
          type,
          events: result.events,
          receivedAt,
          ...(result.ignored === undefined ? {} : { ignored: result.ignored }),
        });
        answer(response, 200, "Webhook received and processing");
        if (result.events.length === 0) return;
        try {
          options.onEvents(result.events, { type, receivedAt });
        } catch {
          // The delivery was valid; what the caller does with it is not the sender's concern.
        }
      },
      () => answer(response, 400, "the request body could not be read"),
    );
  };
}
