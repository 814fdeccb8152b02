/**
 * One HTTP exchange with a registry: timeout, abort, body cap, and the mapping of statuses and network
 * failures to core's typed errors. Messages name the method, path and status, never headers or bodies.
 */
import {
  type ErrorCode,
  RegistryError,
  type RegistryHttpRequest,
  type RegistryHttpRequestKind,
} from "@image-updater/core";
import { type Dispatcher, fetch } from "undici";

/** A buffered response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  readonly url: URL;
}

/** One request. `url` never carries credentials; they go in `headers`. */
export interface HttpRequest {
  readonly method: "GET" | "HEAD";
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly kind: RegistryHttpRequestKind;
  readonly registry: string;
  readonly signal?: AbortSignal;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  /** Most bytes read from the body, counted as they arrive (after decompression). @default 32 MiB */
  readonly maxBodyBytes?: number;
  /** Message prefix. */
  readonly source: string;
  /** Told after the request ends, whatever the outcome. */
  readonly onRequest?: (event: RegistryHttpRequest) => void;
}

/** Bodies we read are manifests, configs and tag lists; anything larger is not one of those. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Connection-level deadlines for every registry agent: connecting, waiting for the headers, and the longest
 * silence between two body chunks (a registry that trickles or stops sending is cut after `stallMs`).
 */
export function agentTimeouts(stallMs: number): {
  headersTimeout: number;
  bodyTimeout: number;
  connectTimeout: number;
} {
  return { headersTimeout: stallMs, bodyTimeout: stallMs, connectTimeout: stallMs };
}

/** How long a registry may stay silent (connecting, before the headers, between body chunks). */
export const DEFAULT_STALL_TIMEOUT_MS = 15_000;

/** `GET /v2/…` with the query string dropped: paths name repositories and tags, never secrets. */
export function describe(method: string, url: URL): string {
  return `${method} ${url.pathname}`;
}

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date), or `undefined`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The first `errors[].code` of a registry error body (`NAME_UNKNOWN`, `MANIFEST_UNKNOWN`, …). */
export function registryErrorCode(body: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { errors?: { code?: unknown }[] };
    const code = parsed.errors?.[0]?.code;
    return typeof code === "string" && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The typed error for a non-success status. */
export function statusError(
  request: Pick<HttpRequest, "method" | "url" | "registry" | "source">,
  response: HttpResponse,
): RegistryError {
  const { status } = response;
  const code = registryErrorCode(response.body);
  const what = `[${request.source}] ${describe(request.method, request.url)} on ${request.registry}: ${status}${code ? ` ${code}` : ""}`;
  const base = { registry: request.registry, status };
  if (status === 401 || status === 403) return new RegistryError("REGISTRY_AUTH", `${what} (access refused)`, base);
  if (status === 404) return new RegistryError("REGISTRY_NOT_FOUND", `${what} (not found)`, base);
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) {
    return new RegistryError("REGISTRY_RATE_LIMITED", `${what} (rate limited)`, { ...base, ...wait, retryable: true });
  }
  if (status >= 500 || status === 408) {
    return new RegistryError("REGISTRY_UNAVAILABLE", `${what} (registry unavailable)`, {
      ...base,
      ...wait,
      retryable: true,
    });
  }
  return new RegistryError("REGISTRY_PROTOCOL", `${what} (unexpected status)`, base);
}

function networkError(request: HttpRequest, cause: unknown, timedOut: boolean): RegistryError {
  const where = `[${request.source}] ${describe(request.method, request.url)} on ${request.registry}`;
  if (request.signal?.aborted) {
    return new RegistryError("ABORTED", `${where}: aborted`, { registry: request.registry, cause });
  }
  if (timedOut) {
    return new RegistryError("TIMEOUT", `${where}: no answer within ${request.timeoutMs} ms`, {
      registry: request.registry,
      retryable: true,
      cause,
    });
  }
  const reason = networkReason(cause);
  return new RegistryError("REGISTRY_UNAVAILABLE", `${where}: ${reason}`, {
    registry: request.registry,
    retryable: true,
    cause,
  });
}

/** A short reason from a fetch failure (`ECONNREFUSED`, a TLS code): the code only, never a URL. */
function networkReason(cause: unknown): string {
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z0-9_]{2,64}$/.test(code)) return `network error ${code}`;
    current = current.cause;
  }
  return "network error";
}

/**
 * Reads a body, counting bytes as they arrive (decompressed, so a gzip bomb is cut at `limit` too), whatever
 * `Content-Length` said or whether it was sent. `null` when the body passes `limit`; the rest is not read.
 */
async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Sends `request` and buffers the answer. Rejects only for network failures, timeouts and aborts. */
export async function send(request: HttpRequest): Promise<HttpResponse> {
  if (request.signal?.aborted) throw networkError(request, request.signal.reason, false);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onAbort = (): void => controller.abort();
  request.signal?.addEventListener("abort", onAbort, { once: true });
  const started = performance.now();
  const report = (status?: number, error?: ErrorCode): void =>
    request.onRequest?.({
      registry: request.registry,
      method: request.method,
      kind: request.kind,
      ...(status === undefined ? {} : { status }),
      ...(error === undefined ? {} : { error }),
      durationMs: performance.now() - started,
    });
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      redirect: "manual",
      signal: controller.signal,
      dispatcher: request.dispatcher,
    });
    const limit = request.maxBodyBytes ?? MAX_BODY_BYTES;
    const tooLarge = (what: string): RegistryError =>
      new RegistryError(
        "LIMIT_EXCEEDED",
        `[${request.source}] ${describe(request.method, request.url)} on ${request.registry}: ${what}, over the ${limit}-byte limit for registry responses`,
        { registry: request.registry, status: response.status },
      );
    const length = Number(response.headers.get("content-length") ?? "0");
    if (length > limit) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(`body of ${length} bytes`);
    }
    const body = await readLimited(response.body, limit);
    if (body === null) throw tooLarge("body");
    report(response.status);
    return { status: response.status, headers: response.headers as unknown as Headers, body, url: request.url };
  } catch (cause) {
    if (cause instanceof RegistryError) {
      report(cause.status, cause.code);
      throw cause;
    }
    const error = networkError(request, cause, timedOut);
    report(undefined, error.code);
    throw error;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onAbort);
  }
}
