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
  /** Paths handed to a Node listener whatever the method (the webhook receiver reads POST bodies). */
  readonly listeners?: Readonly<Record<string, RequestListener>>;
}): Promise<HttpServer> {
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
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
