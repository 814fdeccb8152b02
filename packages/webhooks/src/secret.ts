/**
 * Secret checks, all in constant time: a length mismatch is hidden by comparing digests, never the texts.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookRefusal, WebhookRequest } from "./types.js";

function digest(value: string | Uint8Array): Buffer {
  return createHash("sha256").update(value).digest();
}

/** True when `given` equals `expected`, in time that depends on neither. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The refusal for a request that carries no secret where one is configured. */
export function secretMissing(where: string): WebhookRefusal {
  return { code: "SECRET_MISSING", status: 401, message: `no webhook secret in the request: send it in ${where}` };
}

/** The refusal for a request whose secret (or signature) does not match. */
export function secretInvalid(what = "webhook secret"): WebhookRefusal {
  return { code: "SECRET_INVALID", status: 403, message: `the ${what} does not match the configured one` };
}

/** Checks a shared secret read from `given` (a query parameter or a header), sent as-is. */
export function checkSharedSecret(
  given: string | undefined,
  secret: string,
  where: string,
): WebhookRefusal | undefined {
  if (given === undefined || given === "") return secretMissing(where);
  return secretsEqual(given, secret) ? undefined : secretInvalid();
}

/** The check of senders that can send no header and put the secret in the URL (`?secret=`). */
export function checkQuerySecret(request: WebhookRequest, secret: string): WebhookRefusal | undefined {
  return checkSharedSecret(request.query.secret, secret, "the ?secret= query parameter");
}

/** Checks GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export function checkHubSignature(request: WebhookRequest, secret: string): WebhookRefusal | undefined {
  const header = request.headers["x-hub-signature-256"];
  if (header === undefined || header === "") return secretMissing("the X-Hub-Signature-256 header (sha256=HEX)");
  const expected = `sha256=${createHmac("sha256", secret).update(request.body).digest("hex")}`;
  return secretsEqual(header.trim().toLowerCase(), expected)
    ? undefined
    : secretInvalid("X-Hub-Signature-256 signature");
}

/** Reads a bearer-or-plain `Authorization` header value: `Bearer s3cret` and `s3cret` both give `s3cret`. */
export function authorizationToken(request: WebhookRequest): string | undefined {
  const header = request.headers.authorization?.trim();
  if (header === undefined || header === "") return undefined;
  const bearer = /^bearer\s+(?<token>.+)$/i.exec(header);
  return bearer?.groups?.token ?? header;
}
