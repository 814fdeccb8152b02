import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request a double received, as the test sees it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query, still percent-encoded (`/api/v4/projects/group%2Fdeploy`). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, the raw text when it is not JSON, `undefined` when empty. */
  readonly body: unknown;
}

/** What a double's handler answers. */
export interface DoubleResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A running HTTP double on 127.0.0.1. */
export interface HttpDouble {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

/** Starts a loopback HTTP server on an ephemeral port that records requests and answers JSON via `handle`. */
export async function startHttpDouble(
  handle: (request: RecordedRequest, origin: string) => DoubleResponse | Promise<DoubleResponse>,
): Promise<HttpDouble> {
  const requests: RecordedRequest[] = [];
  let origin = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", origin);
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers[key] = value;
      const request: RecordedRequest = {
        method: req.method ?? "GET",
        path: (req.url ?? "/").split("?")[0] ?? "/",
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
      };
      requests.push(request);
      let response: DoubleResponse;
      try {
        response = await handle(request, origin);
      } catch (error) {
        response = { status: 500, body: { message: String(error) } };
      }
      const payload = response.body === undefined ? "" : JSON.stringify(response.body);
      res.writeHead(response.status, {
        ...(payload === "" ? {} : { "content-type": "application/json; charset=utf-8" }),
        ...response.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The `Link` header value for page-numbered pagination (GitHub, Gitea and GitLab all send one). */
export function linkHeader(url: URL, page: number, lastPage: number): string | undefined {
  const links: string[] = [];
  const at = (n: number) => {
    const copy = new URL(url);
    copy.searchParams.set("page", String(n));
    return copy.toString();
  };
  if (page < lastPage) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`);
  return links.length > 0 ? links.join(", ") : undefined;
}

/** One page of `items` and the page count. */
export function paginate<T>(items: readonly T[], page: number, perPage: number): { items: T[]; lastPage: number } {
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  return { items: items.slice((page - 1) * perPage, page * perPage), lastPage };
}

/** One page of a list request: `page` from the query, the page's items and its `Link` header, if any. */
export function listPage<T>(
  request: RecordedRequest,
  origin: string,
  matching: readonly T[],
  perPage: number,
): { items: T[]; page: number; lastPage: number; link: string | undefined } {
  const page = Number(request.query.page ?? 1);
  const { items, lastPage } = paginate(matching, page, perPage);
  const link = linkHeader(new URL(`${origin}${request.path}?${new URLSearchParams(request.query)}`), page, lastPage);
  return { items, page, lastPage, link };
}

/**
 * Starts an HTTP double whose handler needs its own origin while building answers (absolute URLs in bodies).
 * `handle` is called with the request only; `setOrigin` is told the origin before any request is served.
 */
export async function startOriginDouble(
  setOrigin: (origin: string) => void,
  handle: (request: RecordedRequest) => DoubleResponse,
): Promise<HttpDouble> {
  const http = await startHttpDouble((request, origin) => {
    setOrigin(origin);
    return handle(request);
  });
  setOrigin(http.origin);
  return http;
}
