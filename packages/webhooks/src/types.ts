/**
 * The shapes every receiver shares: a request as it arrived, the pushes read from it, and a typed refusal.
 */
import type { ImageRepository } from "@image-updater/core";

/** The registry types a receiver understands (the `type` query parameter or `X-Registry-Type` header). */
export const WEBHOOK_TYPES = [
  "docker.io",
  "ghcr.io",
  "harbor",
  "quay.io",
  "aliyun-acr",
  "acr",
  "cloudevents",
  "distribution",
] as const;

/** One of {@link WEBHOOK_TYPES}. */
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** A webhook request as received, before anything trusted it. */
export interface WebhookRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Header names in lower case; a repeated header's values joined by `, ` (as Node does). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body: signatures are computed over these exact bytes. */
  readonly body: Uint8Array;
  /** Query parameters (first value of each). */
  readonly query: Readonly<Record<string, string | undefined>>;
}

/**
 * A push a registry reported. Only a trigger: the tag is a hint, and the registry is asked before anything
 * is written.
 */
export interface RegistryPushEvent extends ImageRepository {
  /** The pushed tag, when the payload names one. Never trusted as the new tag. */
  readonly tag?: string;
  /** The pushed manifest digest, when the payload names one. */
  readonly digest?: string;
}

/** Why a request was refused. `status` is the HTTP status a receiver answers with. */
export type WebhookRefusalCode =
  | "METHOD_NOT_ALLOWED"
  | "UNKNOWN_TYPE"
  | "NOT_CONFIGURED"
  | "SECRET_MISSING"
  | "SECRET_INVALID"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PAYLOAD_TOO_LARGE"
  | "MALFORMED"
  | "RATE_LIMITED";

/** A refused request: a stable code, the HTTP status, and a sentence saying what to send instead. */
export interface WebhookRefusal {
  readonly code: WebhookRefusalCode;
  readonly status: number;
  /** Never contains a secret or the body. */
  readonly message: string;
}

/**
 * What a parser makes of an authenticated request: the pushes it names (none for a pull, a mount, a blob
 * or a test delivery, with `ignored` saying why), or a refusal.
 */
export type WebhookParseResult =
  | { readonly ok: true; readonly events: readonly RegistryPushEvent[]; readonly ignored?: string }
  | { readonly ok: false; readonly refusal: WebhookRefusal };

/** One registry type: how its sender proves itself, and how its payload names pushes. */
export interface WebhookParser {
  readonly type: WebhookType;
  /** Checks the request against the configured secret; `undefined` when it passes. Constant-time. */
  authenticate(request: WebhookRequest, secret: string): WebhookRefusal | undefined;
  /** Reads the pushes from a request already authenticated (or accepted without a secret). Never throws. */
  parse(request: WebhookRequest): WebhookParseResult;
}
