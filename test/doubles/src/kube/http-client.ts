/** Plain HTTPS requests to a {@link KubeApiDouble}, trusting its CA, for tests that check the wire itself. */
import { request as httpsRequest } from "node:https";
import type { KubeApiDouble } from "./kube-api-double.js";

/** A watch event as it arrives on the wire. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields the API sent
export type WireEvent = { type: string; object: Record<string, any> };

/** A JSON answer. */
export interface KubeAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields the API answered with
  readonly body: any;
}

/** Options of {@link kubeFetch}. */
export interface KubeFetchOptions {
  readonly method?: string;
  readonly body?: unknown;
  /** @default "application/json" */
  readonly contentType?: string;
  /** @default the double's first token; `null` sends none */
  readonly token?: string | null;
}

/** One request; resolves with the status and parsed JSON body. */
export function kubeFetch(double: KubeApiDouble, path: string, options: KubeFetchOptions = {}): Promise<KubeAnswer> {
  const token = options.token === undefined ? /token: (.+)/.exec(double.kubeconfig())?.[1] : options.token;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${double.origin}${path}`,
      {
        method: options.method ?? "GET",
        ca: double.caCertificate,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(options.body === undefined ? {} : { "content-type": options.contentType ?? "application/json" }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text === "" ? undefined : JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

/** Opens a watch and collects its events until `count` arrived or the stream ended. */
export function kubeWatch(
  double: KubeApiDouble,
  path: string,
  count: number,
  timeoutMs = 10_000,
): Promise<WireEvent[]> {
  const token = /token: (.+)/.exec(double.kubeconfig())?.[1];
  return new Promise((resolve, reject) => {
    const events: WireEvent[] = [];
    const req = httpsRequest(
      `${double.origin}${path}`,
      { ca: double.caCertificate, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let buffer = "";
        res.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          let newline = buffer.indexOf("\n");
          while (newline >= 0) {
            events.push(JSON.parse(buffer.slice(0, newline)));
            buffer = buffer.slice(newline + 1);
            newline = buffer.indexOf("\n");
          }
          if (events.length >= count) {
            clearTimeout(timer);
            req.destroy();
            resolve(events);
          }
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve(events);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`watch ${path}: ${events.length} of ${count} events in ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => {
      if (events.length < count) reject(error);
    });
    req.end();
  });
}
