/**
 * Bodies and silences a real registry never sends, from a hostile HTTP server on loopback: gzip bombs,
 * chunked bodies with no Content-Length, bodies that stop halfway, endless tag lists. The real docker-registry
 * cannot be made to misbehave like this, so the faults are scripted here at the HTTP level.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createOciRegistryClient, type OciRegistryClientOptions } from "../src/index.js";
import { benchEndpoint } from "./harness.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function hostile(tagsHandler: Handler): Promise<{ host: string; url: string }> {
  const server = createServer((request, response) => {
    if (request.url === "/v2/" || request.url === "/v2") {
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    if (request.url?.startsWith("/v2/team/app/tags/list")) {
      tagsHandler(request, response);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` };
}

function client(server: { host: string; url: string }, options: Partial<OciRegistryClientOptions> = {}) {
  return createOciRegistryClient({ endpoints: [benchEndpoint(server.host, server.url)], ...options });
}

describe("oci-distribution limits against a hostile server", () => {
  it("cuts a gzip bomb tag list at the byte limit, counted after decompression, without the memory it inflates to", async () => {
    // 64 MiB of JSON-looking padding, about 64 KiB on the wire.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"tags":["'), Buffer.alloc(64 * 1024 * 1024, 0x61)]), {
      level: 6,
    });
    const server = await hostile((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(bomb);
    });
    const registry = client(server, { maxBodyBytes: 4 * 1024 * 1024 });
    const before = process.memoryUsage().rss;

    const error = await registry.listTags({ registry: server.host, repository: "team/app" }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", registry: server.host });
    expect(String((error as Error).message)).toContain("4194304-byte limit");
    expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024);
    await registry.dispose?.();
  });

  it("counts a chunked body with no Content-Length as it arrives", async () => {
    const server = await hostile((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"tags":["');
      const chunk = "a".repeat(64 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 && response.write(chunk)) sent++;
        if (sent < 64) response.once("drain", pump);
        else response.end('"]}');
      };
      pump();
    });
    const registry = client(server, { maxBodyBytes: 1024 * 1024 });

    await expect(registry.listTags({ registry: server.host, repository: "team/app" })).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
    });
    await registry.dispose?.();
  });

  it("gives up on a body that stops halfway after the stall timeout, long before the request deadline", async () => {
    const server = await hostile((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      response.write('{"tags":["1.0.0"'); // …and nothing more.
    });
    const registry = client(server, { stallTimeoutMs: 300, timeoutMs: 60_000 });
    const started = Date.now();

    const error = await registry.listTags({ registry: server.host, repository: "team/app" }).catch((e: unknown) => e);

    expect(error).toMatchObject({ retryable: true });
    expect(["REGISTRY_UNAVAILABLE", "TIMEOUT"]).toContain((error as { code: string }).code);
    expect(Date.now() - started).toBeLessThan(10_000);
    await registry.dispose?.();
  });

  it("refuses to decide on a tag list longer than the registry's maxtags: an error, never a silent cut", async () => {
    const tags = Array.from({ length: 10 }, (_, i) => `0.0.${i}`).concat("9.9.9");
    const server = await hostile((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "team/app", tags }));
    });
    const registry = createOciRegistryClient({ endpoints: [benchEndpoint(server.host, server.url, { maxTags: 10 })] });

    const error = await registry.listTags({ registry: server.host, repository: "team/app" }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", retryable: false });
    expect(String((error as Error).message)).toMatch(/more than 10 tags; raise `maxtags`/);
    await registry.dispose?.();
  });

  it("reads a list of exactly maxtags tags", async () => {
    const tags = Array.from({ length: 10 }, (_, i) => `1.0.${i}`);
    const server = await hostile((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "team/app", tags }));
    });
    const registry = createOciRegistryClient({ endpoints: [benchEndpoint(server.host, server.url, { maxTags: 10 })] });

    expect(await registry.listTags({ registry: server.host, repository: "team/app" })).toEqual(tags);
    await registry.dispose?.();
  });
});
