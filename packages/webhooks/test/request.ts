/** Builds webhook requests from the fixtures, signed or not, for the tests. */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { WebhookRequest } from "../src/index.js";

/** A fixture's bytes, as the registry would send them. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A POST with `body` and the given headers and query. */
export function post(
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
): WebhookRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...lower },
    body: typeof body === "string" ? Buffer.from(body) : body,
    query,
  };
}

/** GitHub's signature of `body` with `secret`. */
export function hubSignature(body: Uint8Array, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}
