/**
 * The receiver: picks the parser a request names, checks its secret, and returns the pushes or a refusal.
 * Pure (no I/O): the Node handler, a serverless function or an SDK user's own server all call it.
 */
import { acrParser } from "./parsers/acr.js";
import { aliyunAcrParser } from "./parsers/aliyun-acr.js";
import { cloudEventsParser } from "./parsers/cloudevents.js";
import { distributionParser } from "./parsers/distribution.js";
import { dockerHubParser } from "./parsers/docker-hub.js";
import { ghcrParser } from "./parsers/ghcr.js";
import { harborParser } from "./parsers/harbor.js";
import { quayParser } from "./parsers/quay.js";
import {
  WEBHOOK_TYPES,
  type WebhookParseResult,
  type WebhookParser,
  type WebhookRequest,
  type WebhookType,
} from "./types.js";

/** Every parser, by type. */
export const WEBHOOK_PARSERS: Readonly<Record<WebhookType, WebhookParser>> = {
  "docker.io": dockerHubParser,
  "ghcr.io": ghcrParser,
  harbor: harborParser,
  "quay.io": quayParser,
  "aliyun-acr": aliyunAcrParser,
  acr: acrParser,
  cloudevents: cloudEventsParser,
  distribution: distributionParser,
};

/**
 * Other names senders are configured with. GitLab's container registry is Distribution and sends its
 * envelope unchanged, so `gitlab` is read (and authenticated) as `distribution`.
 */
const ALIASES: Readonly<Record<string, WebhookType>> = {
  gitlab: "distribution",
  docker: "docker.io",
  ghcr: "ghcr.io",
  quay: "quay.io",
};

/** The type a name means (`gitlab` → `distribution`), or undefined. Case-insensitive. */
export function resolveWebhookType(name: string): WebhookType | undefined {
  const lower = name.trim().toLowerCase();
  return (WEBHOOK_TYPES as readonly string[]).includes(lower) ? (lower as WebhookType) : ALIASES[lower];
}

/** A secret per type; absent or empty means none is configured. */
export type WebhookSecrets = Readonly<Partial<Record<WebhookType, string>>>;

/** Options of {@link createWebhookReceiver}. */
export interface WebhookReceiverOptions {
  /**
   * The secret of each type, or a function giving them (called per request, so a rotated Secret applies
   * without a restart). A type with none is refused unless `requireSecret` is false.
   */
  readonly secrets: WebhookSecrets | (() => WebhookSecrets);
  /** Refuse types that have no secret configured. @default true */
  readonly requireSecret?: boolean;
}

/** Reads webhook requests. */
export interface WebhookReceiver {
  /** The type the request names (`?type=` first, then `X-Registry-Type`), before it is resolved. */
  typeOf(request: WebhookRequest): string | undefined;
  /** Authenticates and parses `request`. Never throws. */
  receive(request: WebhookRequest): WebhookParseResult & { readonly type?: WebhookType };
}

/** Creates a receiver over the built-in parsers. */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const requireSecret = options.requireSecret ?? true;
  const typeOf = (request: WebhookRequest) => request.query.type ?? request.headers["x-registry-type"];
  return {
    typeOf,
    receive(request) {
      if (request.method !== "POST") {
        return {
          ok: false,
          refusal: { code: "METHOD_NOT_ALLOWED", status: 405, message: "webhooks are sent with POST" },
        };
      }
      const name = typeOf(request);
      const type = name === undefined ? undefined : resolveWebhookType(name);
      if (type === undefined) {
        return {
          ok: false,
          refusal: {
            code: "UNKNOWN_TYPE",
            status: 400,
            message: `${name === undefined ? "no registry type given" : `unknown registry type "${name}"`}: add ?type=TYPE (or the X-Registry-Type header), one of ${WEBHOOK_TYPES.join(", ")}`,
          },
        };
      }
      const parser = WEBHOOK_PARSERS[type];
      const secrets = typeof options.secrets === "function" ? options.secrets() : options.secrets;
      const secret = secrets[type];
      if (secret !== undefined && secret !== "") {
        const refusal = parser.authenticate(request, secret);
        if (refusal !== undefined) return { ok: false, refusal, type };
      } else if (requireSecret) {
        return {
          ok: false,
          type,
          refusal: {
            code: "NOT_CONFIGURED",
            status: 403,
            message: `no secret is configured for ${type} webhooks: configure one, or turn require-secret off to accept them unauthenticated`,
          },
        };
      }
      return { ...parser.parse(request), type };
    },
  };
}
