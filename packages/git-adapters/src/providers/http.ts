import { ImageUpdaterError } from "@image-updater/core";
import { PullRequestError } from "./errors.js";

/** One JSON call to a provider API. */
export interface ApiCall {
  readonly method: "GET" | "POST" | "PATCH" | "PUT";
  readonly url: string;
  readonly body?: unknown;
}

/** A provider API answer that was accepted. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** A JSON client bound to one provider's base URL and auth headers. */
export interface ApiClient {
  /** Resolves the answer when its status is in `accept` (default: any 2xx); else rejects {@link PullRequestError}. */
  call(
    call: ApiCall,
    options?: { readonly signal?: AbortSignal; readonly accept?: readonly number[] },
  ): Promise<ApiResponse>;
  /** Every item of a paginated list, following `Link: rel="next"` or GitLab's `X-Next-Page`; at most `maxPages`. */
  list(url: string, options?: { readonly signal?: AbortSignal; readonly maxPages?: number }): Promise<unknown[]>;
}

/** Creates an {@link ApiClient}. `headers` carry the token; it never appears in an error. */
export function createApiClient(provider: string, headers: Readonly<Record<string, string>>): ApiClient {
  const secrets = Object.values(headers)
    .flatMap((value) => value.split(" "))
    .filter((part) => part.length >= 8);

  function scrub(text: string): string {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join("***");
    return out;
  }

  async function call(
    { method, url, body }: ApiCall,
    options: { readonly signal?: AbortSignal; readonly accept?: readonly number[] } = {},
  ): Promise<ApiResponse> {
    const where = `[${provider}] ${method} ${scrub(describeUrl(url))}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw new ImageUpdaterError("ABORTED", `${where}: aborted`, { cause: error });
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? "network error";
      throw new PullRequestError(`${where}: ${reason}`, { provider, retryable: true, cause: error });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      // Keep the raw text: some proxies answer HTML.
    }
    const accepted = options.accept ? options.accept.includes(response.status) : response.ok;
    if (!accepted) {
      const retryable = response.status === 429 || response.status >= 500;
      throw new PullRequestError(`${where}: ${response.status} ${scrub(errorSummary(parsed))}`.trim(), {
        provider,
        status: response.status,
        retryable,
      });
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  return {
    call,
    async list(url, options = {}) {
      const items: unknown[] = [];
      let next: string | undefined = url;
      for (let page = 0; next !== undefined && page < (options.maxPages ?? 50); page++) {
        const response = await call({ method: "GET", url: next }, options.signal ? { signal: options.signal } : {});
        if (Array.isArray(response.body)) items.push(...response.body);
        next = nextPage(next, response.headers);
      }
      return items;
    },
  };
}

function nextPage(current: string, headers: Headers): string | undefined {
  const link = headers.get("link");
  if (link) {
    for (const part of link.split(",")) {
      const match = /<(?<url>[^>]+)>\s*;\s*rel="?next"?/.exec(part);
      if (match?.groups?.url) return new URL(match.groups.url, current).toString();
    }
  }
  const nextNumber = headers.get("x-next-page");
  if (nextNumber) {
    const url = new URL(current);
    url.searchParams.set("page", nextNumber);
    return url.toString();
  }
  return undefined;
}

/** The human part of an error body: GitHub `message` + `errors[].message`, GitLab `message` (string or list). */
function errorSummary(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 200);
  if (typeof body !== "object" || body === null) return "";
  const record = body as { message?: unknown; errors?: unknown; error?: unknown };
  const parts: string[] = [];
  const message = record.message ?? record.error;
  if (typeof message === "string") parts.push(message);
  else if (Array.isArray(message)) parts.push(...message.map(String));
  else if (typeof message === "object" && message !== null) parts.push(JSON.stringify(message));
  if (Array.isArray(record.errors)) {
    for (const error of record.errors) {
      if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
        parts.push((error as { message: string }).message);
      } else if (typeof error === "string") parts.push(error);
    }
  }
  return parts.join(": ").slice(0, 300);
}

function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Error text of a rejected call, for matching provider-specific conflicts. */
export function errorText(error: unknown): string {
  return error instanceof PullRequestError ? error.message : "";
}
