/**
 * What a cycle costs in registry requests, counted at the registry. The floor: one tag listing per repository
 * per cycle however many applications watch it, and a manifest only for digests never seen before.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cleanupBench,
  type ImageSpec,
  pushImages,
  type ScriptedRegistry,
  type ScriptedRegistryScript,
  startRegistry,
  startScriptedRegistry,
} from "@image-updater/bench";
import {
  type ImageRepository,
  type PolicyRegistryClient,
  type RegistryHttpRequest,
  withRegistryPolicies,
} from "@image-updater/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createOciRegistryClient } from "../src/index.js";
import { benchEndpoint } from "./harness.js";

const APPLICATIONS = 50;
const REPOSITORIES = ["team/api", "team/web", "team/worker"];
const AMD64 = [{ os: "linux", architecture: "amd64" }];

function images(count: number, from = 0): ImageSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    tags: [`1.0.${from + i}`],
    created: new Date(Date.UTC(2024, 0, from + i + 1)).toISOString(),
    platforms: (from + i) % 2 === 0 ? ["linux/amd64", "linux/arm64"] : ["linux/amd64"],
  }));
}

const SCRIPT: ScriptedRegistryScript = {
  repositories: Object.fromEntries(REPOSITORIES.map((name) => [name, images(10)])),
};

let server: ScriptedRegistry | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
afterAll(cleanupBench);

function policyClient(
  registry: ScriptedRegistry,
  options: { cacheFile?: string; events?: RegistryHttpRequest[]; credentials?: boolean } = {},
): PolicyRegistryClient {
  const raw = createOciRegistryClient({
    endpoints: [benchEndpoint(registry.host, registry.url)],
    ...(options.credentials ? { credentials: { [registry.host]: { username: "robot", password: "pw-123456" } } } : {}),
    onRequest: (event) => options.events?.push(event),
  });
  return withRegistryPolicies(raw, options.cacheFile ? { metadataCache: { file: options.cacheFile } } : {});
}

/** Every application checks every repository with newest-build: list tags, then metadata of each tag. */
async function newestBuildCycle(client: PolicyRegistryClient, registry: string): Promise<void> {
  client.beginCycle();
  await Promise.all(
    Array.from({ length: APPLICATIONS }, async () => {
      for (const repository of REPOSITORIES) {
        const repo: ImageRepository = { registry, repository };
        const tags = await client.listTags(repo);
        await Promise.all(tags.map((tag) => client.getMetadata(repo, tag, { platforms: AMD64 })));
      }
    }),
  );
}

function costs(registry: ScriptedRegistry) {
  return {
    listings: registry.count({ method: "GET", path: "/v2/*/tags/list" }),
    manifests: registry.count({ method: "GET", path: "/v2/*/manifests/*" }),
    blobs: registry.count({ method: "GET", path: "/v2/*/blobs/*" }),
  };
}

describe("request budget of a cycle", () => {
  it("50 applications watching the same 3 repositories cost 3 tag listings; a second cycle fetches no manifest or blob", async () => {
    server = await startScriptedRegistry(SCRIPT);
    const client = policyClient(server);

    await newestBuildCycle(client, server.host);
    const first = costs(server);
    server.reset();
    await newestBuildCycle(client, server.host);
    const second = costs(server);

    // 10 tags per repository, every other one an index: 5 × (index + amd64 child) + 5 single manifests.
    expect(first).toEqual({ listings: 3, manifests: 3 * 15, blobs: 3 * 10 });
    expect(second).toEqual({ listings: 3, manifests: 0, blobs: 0 });
  });

  it("a new tag costs its own manifest and config, nothing else", async () => {
    server = await startScriptedRegistry(SCRIPT);
    const client = policyClient(server);
    await newestBuildCycle(client, server.host);
    server.addImages("team/api", images(1, 11));
    server.reset();

    await newestBuildCycle(client, server.host);

    expect(costs(server)).toEqual({ listings: 3, manifests: 1, blobs: 1 });
  });

  it("a restart with the cache file pays for no manifest or blob", async () => {
    server = await startScriptedRegistry(SCRIPT);
    const dir = await mkdtemp(join(tmpdir(), "budget-"));
    dirs.push(dir);
    const cacheFile = join(dir, "metadata.json");
    const before = policyClient(server, { cacheFile });
    await newestBuildCycle(before, server.host);
    await before.dispose?.();
    server.reset();

    const after = policyClient(server, { cacheFile });
    await newestBuildCycle(after, server.host);
    await after.dispose?.();

    expect(costs(server)).toEqual({ listings: 3, manifests: 0, blobs: 0 });
  });

  it("with token auth, the same cycle costs 3 successful listings plus one token per repository", async () => {
    server = await startScriptedRegistry({
      ...SCRIPT,
      auth: { scheme: "bearer", username: "robot", password: "pw-123456" },
    });
    const events: RegistryHttpRequest[] = [];
    const client = policyClient(server, { events, credentials: true });

    await newestBuildCycle(client, server.host);
    const listings = events.filter((e) => e.kind === "tags");
    events.length = 0;
    server.reset();
    await newestBuildCycle(client, server.host);

    expect(listings.filter((e) => e.status === 200)).toHaveLength(3);
    expect(listings.filter((e) => e.status === 401).length).toBeLessThanOrEqual(3);
    expect(server.count("/token")).toBe(0);
    expect(events.map((e) => [e.kind, e.status])).toEqual([
      ["tags", 200],
      ["tags", 200],
      ["tags", 200],
    ]);
  });

  it("the digest strategy costs one HEAD per repository per cycle and no GET", async () => {
    server = await startScriptedRegistry(SCRIPT);
    const client = policyClient(server);

    for (let cycle = 0; cycle < 2; cycle++) {
      client.beginCycle();
      await Promise.all(
        Array.from({ length: APPLICATIONS }, () =>
          Promise.all(
            REPOSITORIES.map((repository) => client.getDigest({ registry: server?.host ?? "", repository }, "1.0.3")),
          ),
        ),
      );
    }

    expect(server.count({ method: "HEAD" })).toBe(6);
    expect(server.count({ method: "GET" })).toBe(0);
  });

  it("against docker-registry with token auth: 3 listings and 3 tokens for 50 applications, nothing on the second cycle but listings", async () => {
    const real = await startRegistry({ auth: "token" });
    try {
      for (const repository of REPOSITORIES) await pushImages(real, repository, images(4));
      const tokensForPushing = real.tokenServer?.requests ?? 0;
      const events: RegistryHttpRequest[] = [];
      const client = withRegistryPolicies(
        createOciRegistryClient({
          endpoints: [benchEndpoint(real.host, real.url)],
          credentials: { [real.host]: { username: real.username ?? "", password: real.password ?? "" } },
          onRequest: (event) => events.push(event),
        }),
      );

      await newestBuildCycle(client, real.host);
      const first = [...events];
      events.length = 0;
      await newestBuildCycle(client, real.host);

      expect(first.filter((e) => e.kind === "tags" && e.status === 200)).toHaveLength(3);
      expect(first.filter((e) => e.kind === "token")).toHaveLength(3);
      expect(first.filter((e) => e.status === 401).length).toBeLessThanOrEqual(3);
      expect((real.tokenServer?.requests ?? 0) - tokensForPushing).toBe(3);
      expect(events.map((e) => [e.kind, e.status])).toEqual([
        ["tags", 200],
        ["tags", 200],
        ["tags", 200],
      ]);
      await client.dispose?.();
    } finally {
      await real.stop();
    }
  });
});
