/**
 * A pass-through HTTP proxy that records every request it forwards, so a test can count what a client asked
 * a real server (Distribution 2.8 logs no per-repository request counts of its own).
 */
import { request as httpRequest } from "node:http";
import { listenLoopback } from "./http-server.js";

/** One forwarded request. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly url: string;
}

/** A running proxy. */
export interface CountingProxy {
  /** `http://127.0.0.1:PORT`: point the client here instead of at the target. */
  readonly url: string;
  /** Everything forwarded so far, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** How many forwarded requests match. */
  count(filter: (request: ProxiedRequest) => boolean): number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1:0 forwarding to `target` (an `http://host:port` URL). */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server = await listenLoopback((incoming, outgoing) => {
    requests.push({ method: incoming.method ?? "GET", url: incoming.url ?? "/" });
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        // The target sees its own host, so redirects and token realms it computes stay valid.
        headers: { ...incoming.headers, host: upstream.host },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  return {
    url: server.url,
    requests,
    count: (filter) => requests.filter(filter).length,
    close: () => server.close(),
  };
}
