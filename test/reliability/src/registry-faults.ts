/**
 * Registry fault injection: a hostile Distribution server on loopback answering tag lists, manifests and
 * blobs with every fault the issue lists. The client carries planted credentials; no error may show them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { type RegistryEndpoint, withRegistryPolicies } from "@image-updater/core";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { errorTexts, expectTypedFailure, PLANTED_SECRETS, type Trial, type TrialResult } from "./family.js";

type Fault = (request: IncomingMessage, response: ServerResponse) => void;

const MIB = 1024 * 1024;

/** A stream of `bytes` zero-ish bytes produced on demand: nothing large is ever held. */
function padding(bytes: number, prefix = ""): Readable {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return new Readable({
    read() {
      if (sent === 0 && prefix !== "") this.push(prefix);
      if (sent >= bytes) {
        this.push(null);
        return;
      }
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

function tagsJson(count: number): string {
  return JSON.stringify({
    name: "team/app",
    tags: Array.from({ length: count }, (_, i) => `1.${Math.floor(i / 1000)}.${i % 1000}`),
  });
}

const FAULTS: Record<string, { fault: Fault; codes?: string[]; expectTags?: number }> = {
  "429 with Retry-After": {
    fault: (_q, r) => void r.writeHead(429, { "retry-after": "1" }).end(),
    codes: ["REGISTRY_RATE_LIMITED", "REGISTRY_CIRCUIT_OPEN"],
  },
  "503 on every request": {
    fault: (_q, r) => void r.writeHead(503).end(),
    codes: ["REGISTRY_UNAVAILABLE", "REGISTRY_CIRCUIT_OPEN"],
  },
  "500 with an HTML body": {
    fault: (_q, r) => void r.writeHead(500, { "content-type": "text/html" }).end("<html>oops</html>"),
    codes: ["REGISTRY_UNAVAILABLE", "REGISTRY_CIRCUIT_OPEN"],
  },
  "connection reset": { fault: (q) => q.socket.destroy(), codes: ["REGISTRY_UNAVAILABLE", "REGISTRY_CIRCUIT_OPEN"] },
  "headers never sent": { fault: () => {}, codes: ["REGISTRY_UNAVAILABLE", "TIMEOUT", "REGISTRY_CIRCUIT_OPEN"] },
  "body stops halfway": {
    fault: (_q, r) => {
      r.writeHead(200, { "content-type": "application/json", "content-length": "5000" });
      r.write('{"tags":["1.0.0"');
    },
    codes: ["REGISTRY_UNAVAILABLE", "TIMEOUT", "REGISTRY_CIRCUIT_OPEN"],
  },
  "body trickles one byte a second": {
    fault: (_q, r) => {
      r.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => (r.writable ? r.write(" ") : clearInterval(timer)), 1_000);
      r.on("close", () => clearInterval(timer));
    },
    codes: ["REGISTRY_UNAVAILABLE", "TIMEOUT", "REGISTRY_CIRCUIT_OPEN"],
  },
  "truncated JSON": {
    fault: (_q, r) => void r.writeHead(200, { "content-type": "application/json" }).end('{"tags":["1.0'),
    codes: ["REGISTRY_PROTOCOL"],
  },
  "malformed JSON": {
    fault: (_q, r) => void r.writeHead(200, { "content-type": "application/json" }).end("{tags: [1.0.0]}"),
    codes: ["REGISTRY_PROTOCOL"],
  },
  "tags not strings": {
    fault: (_q, r) => void r.writeHead(200, { "content-type": "application/json" }).end('{"tags":[1,{"a":2}]}'),
    codes: ["REGISTRY_PROTOCOL"],
  },
  "wrong Content-Type": {
    fault: (_q, r) => void r.writeHead(200, { "content-type": "text/html" }).end("<html>login</html>"),
    codes: ["REGISTRY_PROTOCOL"],
  },
  "gzip bomb: 1 GiB inflated": {
    fault: (_q, r) => {
      r.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      const stream = padding(1024 * MIB, '{"tags":["').pipe(createGzip({ level: 1 }));
      stream.pipe(r);
      r.on("close", () => stream.destroy());
    },
    codes: ["LIMIT_EXCEEDED"],
  },
  "400 MiB chunked body, no Content-Length": {
    fault: (_q, r) => {
      r.writeHead(200, { "content-type": "application/json" });
      const stream = padding(400 * MIB, '{"tags":["');
      stream.pipe(r);
      r.on("close", () => stream.destroy());
    },
    codes: ["LIMIT_EXCEEDED"],
  },
  "Content-Length of 2 GiB": {
    fault: (_q, r) => {
      r.writeHead(200, { "content-type": "application/json", "content-length": String(2048 * MIB) });
      r.write('{"tags":[');
    },
    codes: ["LIMIT_EXCEEDED"],
  },
  "100 000 tags": {
    fault: (_q, r) => void r.writeHead(200, { "content-type": "application/json" }).end(tagsJson(100_000)),
    expectTags: 100_000,
  },
  "150 000 tags, over the limit": {
    fault: (_q, r) => void r.writeHead(200, { "content-type": "application/json" }).end(tagsJson(150_000)),
    codes: ["LIMIT_EXCEEDED"],
  },
  "pagination loop": {
    fault: (q, r) =>
      void r
        .writeHead(200, { "content-type": "application/json", link: `<${q.url}>; rel="next"` })
        .end('{"tags":["1.0.0"]}'),
    expectTags: 1,
  },
  "pagination to another host": {
    fault: (_q, r) =>
      void r
        .writeHead(200, {
          "content-type": "application/json",
          link: '<https://evil.example/v2/x/tags/list>; rel="next"',
        })
        .end('{"tags":["1.0.0"]}'),
    expectTags: 1,
  },
  "redirect to another host": {
    fault: (_q, r) => void r.writeHead(307, { location: "http://127.0.0.1:9/v2/team/app/tags/list" }).end(),
  },
};

/** Starts the hostile server: `/v2/` answers, `/v2/<fault index>/…` runs that fault. */
async function startHostile(faults: readonly Fault[]): Promise<{ url: string; host: string; stop(): Promise<void> }> {
  const server = createServer((request, response) => {
    response.on("error", () => {});
    const match = /^\/v2\/f(?<index>\d+)\//.exec(request.url ?? "");
    const fault = match?.groups ? faults[Number(match.groups.index)] : undefined;
    if (fault) fault(request, response);
    else response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  server.on("clientError", (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The registry family's trials, and a stop for their server. */
export async function registryTrials(): Promise<{ trials: Trial[]; stop(): Promise<void> }> {
  const entries = Object.entries(FAULTS);
  const server = await startHostile(entries.map(([, spec]) => spec.fault));
  const endpoint: RegistryEndpoint = {
    name: "hostile",
    prefix: server.host,
    apiUrl: server.url,
    tagSortMode: "none",
    insecure: true,
    isDefault: false,
  };
  const trials = entries.map(
    ([name, spec], index): Trial => ({
      name: `registry: ${name}`,
      deadlineMs: 60_000,
      async run(): Promise<TrialResult> {
        const raw = createOciRegistryClient({
          endpoints: [endpoint],
          credentials: { [server.host]: { username: "robot", password: PLANTED_SECRETS[0]! } },
          timeoutMs: 5_000,
          stallTimeoutMs: 2_000,
        });
        // Through the policies the engine uses: retries, back-off and the circuit breaker are part of the path.
        const client = withRegistryPolicies(raw, {
          retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 2_000 },
        });
        try {
          const call = client.listTags({ registry: server.host, repository: `f${index}/app` });
          if (spec.expectTags !== undefined) {
            try {
              const tags = await call;
              return { correct: tags.length === spec.expectTags, outputs: [] };
            } catch (error) {
              return { correct: false, outputs: errorTexts(error) };
            }
          }
          if (spec.codes === undefined) {
            // Either answer is fine (no tags, or a typed error); what matters is no crash, no leak, no hang.
            return await call.then(
              () => ({ correct: true, outputs: [] }),
              (error: unknown) => expectTypedFailure(Promise.reject(error)),
            );
          }
          return await expectTypedFailure(call, spec.codes);
        } finally {
          await raw.dispose?.();
        }
      },
    }),
  );
  return { trials, stop: server.stop };
}
