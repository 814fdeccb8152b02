import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A route's answer. */
export interface RouteResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Handles `GET path`. */
export type RouteHandler = () => RouteResponse | Promise<RouteResponse>;

/**
 * Limits that keep a slow or hostile client from holding the server: probes and scrapes are tiny GETs, so
 * anything that takes longer than this or opens more connections than this is not a probe.
 */
export interface HttpServerLimits {
  /** Time to receive the request headers. @default 5000 */
  readonly headersTimeoutMs?: number;
  /** Time to receive the whole request. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** An idle kept-alive connection is closed after this long. @default 5000 */
  readonly keepAliveTimeoutMs?: number;
  /** A connection with no traffic for this long is closed, whatever its state. @default 30000 */
  readonly socketIdleTimeoutMs?: number;
  /** Connections served at once; more are refused at accept (idle kept-alive ones give way first). @default 1024 */
  readonly maxConnections?: number;
}

/** A running HTTP server. */
export interface HttpServer {
  /** The bound port (the chosen one when 0 was asked). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a small HTTP server serving `routes` (exact paths, GET and HEAD only). Binds `host` (all interfaces
 * by default, as a pod's probes and Prometheus need).
 */
export async function startHttpServer(options: {
  readonly port: number;
  readonly host?: string;
  readonly routes: Readonly<Record<string, RouteHandler>>;
  readonly limits?: HttpServerLimits;
  /** Paths handed to a Node listener whatever the method (the webhook receiver reads POST bodies). */
  readonly listeners?: Readonly<Record<string, RequestListener>>;
}): Promise<HttpServer> {
  const limits = options.limits ?? {};
  // Node looks for requests past their header or request deadline on this timer (30 s by default).
  const checkEveryMs = Math.max(100, Math.min(1_000, limits.headersTimeoutMs ?? 5_000));
  const server: Server = createServer(
    { connectionsCheckingInterval: checkEveryMs },
    (request: IncomingMessage, response: ServerResponse) => {
      const path = (request.url ?? "/").split("?")[0] ?? "/";
      const listener = options.listeners?.[path];
      if (listener) {
        listener(request, response);
        return;
      }
      const handler = options.routes[path];
      if (!handler) {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
        return;
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end();
        return;
      }
      Promise.resolve()
        .then(handler)
        .then((answer) => {
          response.writeHead(answer.status, { "content-type": answer.contentType });
          response.end(request.method === "HEAD" ? undefined : answer.body);
        })
        .catch(() => {
          response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("internal error\n");
        });
    },
  );
  server.headersTimeout = limits.headersTimeoutMs ?? 5_000;
  server.requestTimeout = limits.requestTimeoutMs ?? 10_000;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs ?? 5_000;
  server.maxConnections = limits.maxConnections ?? 1024;
  server.maxHeadersCount = 64;
  // At the limit, connections that only wait for a next request give way, so a probe after a flood of
  // kept-alive connections gets a slot instead of being dropped until they time out.
  server.on("drop", () => server.closeIdleConnections());
  server.setTimeout(limits.socketIdleTimeoutMs ?? 30_000, (socket) => socket.destroy());
  // A malformed or timed-out request closes its own connection and nothing else.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
