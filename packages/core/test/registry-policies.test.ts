import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ImageRepository,
  type ManifestMetadata,
  type RegistryClient,
  RegistryError,
  rateLimitOfEndpoints,
  withRegistryPolicies,
} from "../src/index.js";

/** A registry client double that counts calls and answers from a script; no I/O. */
function scriptedClient(script: {
  tags?: (repo: ImageRepository, call: number, signal?: AbortSignal) => Promise<readonly string[]>;
  metadata?: (reference: string) => ManifestMetadata | null;
  /** Where a tag points now (HEAD); by default `sha256:a…`, or the digest of `metadata` when given with it. */
  digest?: (tag: string) => string | null;
}) {
  const calls = { listTags: 0, getDigest: 0, getMetadata: 0, signals: [] as (AbortSignal | undefined)[] };
  const client: RegistryClient = {
    id: "scripted",
    capabilities: { createdAt: true, platforms: true, labels: true },
    async listTags(repo, options) {
      calls.listTags++;
      calls.signals.push(options?.signal);
      return script.tags ? script.tags(repo, calls.listTags, options?.signal) : ["1.0.0", "1.1.0"];
    },
    async getDigest(_repo, tag) {
      calls.getDigest++;
      if (script.digest) return script.digest(tag);
      return tag === "missing" ? null : `sha256:${"a".repeat(64)}`;
    },
    async getMetadata(_repo, reference) {
      calls.getMetadata++;
      return script.metadata
        ? script.metadata(reference)
        : { digest: `sha256:${"b".repeat(64)}`, kind: "oci-manifest", createdAt: new Date(0), labels: { a: "1" } };
    },
  };
  return { client, calls };
}

const REPO = { registry: "registry.test", repository: "org/app" };

/** Records waits instead of waiting; the fake clock advances by what was waited. */
function fakeTime() {
  let clock = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms;
    },
    sleep: async (ms: number) => {
      waits.push(ms);
      clock += ms;
    },
  };
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("withRegistryPolicies", () => {
  it("lists a repository once per cycle however many callers ask", async () => {
    const { client, calls } = scriptedClient({});
    const policies = withRegistryPolicies(client);

    const lists = await Promise.all(Array.from({ length: 50 }, () => policies.listTags(REPO)));
    await policies.listTags(REPO);

    expect(calls.listTags).toBe(1);
    expect(lists.every((tags) => tags.length === 2)).toBe(true);
    expect(policies.requestCounts()).toEqual([
      { registry: "registry.test", method: "listTags", outcome: "ok", count: 1 },
      { registry: "registry.test", method: "listTags", outcome: "shared", count: 50 },
    ]);
  });

  it("lists again after beginCycle()", async () => {
    const { client, calls } = scriptedClient({});
    const policies = withRegistryPolicies(client);

    await policies.listTags(REPO);
    policies.beginCycle();
    await policies.listTags(REPO);

    expect(calls.listTags).toBe(2);
  });

  it("lists afresh when asked (fresh), and shares that listing with later callers", async () => {
    const { client, calls } = scriptedClient({
      tags: async (_repo, call) => (call === 1 ? ["1.0.0"] : ["1.0.0", "1.1.0"]),
    });
    const policies = withRegistryPolicies(client);

    expect(await policies.listTags(REPO)).toEqual(["1.0.0"]);
    expect(await policies.listTags(REPO)).toEqual(["1.0.0"]);
    expect(await policies.listTags(REPO, { fresh: true })).toEqual(["1.0.0", "1.1.0"]);
    expect(await policies.listTags(REPO)).toEqual(["1.0.0", "1.1.0"]);

    expect(calls.listTags).toBe(2);
  });

  it("keeps calls with different credentials apart", async () => {
    const { client, calls } = scriptedClient({});
    const policies = withRegistryPolicies(client);

    await policies.listTags(REPO);
    await policies.listTags(REPO, { credentials: { kind: "pullsecret", namespace: "a", name: "b" } });

    expect(calls.listTags).toBe(2);
  });

  it("waits Retry-After on 429, then succeeds", async () => {
    const time = fakeTime();
    const { client, calls } = scriptedClient({
      async tags(_repo, call) {
        if (call <= 2) {
          throw new RegistryError("REGISTRY_RATE_LIMITED", "429", { retryable: true, retryAfterMs: 2000 });
        }
        return ["1.0.0"];
      },
    });
    const policies = withRegistryPolicies(client, { ...time, random: () => 0 });

    const tags = await policies.listTags(REPO);

    expect(tags).toEqual(["1.0.0"]);
    expect(calls.listTags).toBe(3);
    expect(time.waits).toEqual([2000, 2000]);
    expect(policies.requestCounts()).toContainEqual({
      registry: "registry.test",
      method: "listTags",
      outcome: "retry",
      count: 2,
    });
  });

  it.each([
    ["REGISTRY_UNAVAILABLE", true, 4],
    ["TIMEOUT", true, 4],
    ["REGISTRY_AUTH", false, 1],
    ["REGISTRY_NOT_FOUND", false, 1],
  ] as const)("on %s (retryable: %s) calls the registry %i times, then rejects with it", async (code, retryable, n) => {
    const time = fakeTime();
    const { client, calls } = scriptedClient({
      async tags() {
        throw new RegistryError(code, "failed", { retryable });
      },
    });
    const policies = withRegistryPolicies(client, { ...time, random: () => 0.5 });

    await expect(policies.listTags(REPO)).rejects.toMatchObject({ code });

    expect(calls.listTags).toBe(n);
  });

  it("backs off with jitter below a doubling ceiling", async () => {
    const time = fakeTime();
    const { client } = scriptedClient({
      async tags() {
        throw new RegistryError("REGISTRY_UNAVAILABLE", "503", { retryable: true });
      },
    });
    const policies = withRegistryPolicies(client, { ...time, random: () => 0.5, retry: { baseDelayMs: 100 } });

    await expect(policies.listTags(REPO)).rejects.toMatchObject({ code: "REGISTRY_UNAVAILABLE" });

    expect(time.waits).toEqual([50, 100, 200]);
  });

  it("does not wait for a Retry-After longer than maxRetryAfterMs", async () => {
    const time = fakeTime();
    const { client, calls } = scriptedClient({
      async tags() {
        throw new RegistryError("REGISTRY_RATE_LIMITED", "429", { retryable: true, retryAfterMs: 3_600_000 });
      },
    });
    const policies = withRegistryPolicies(client, time);

    await expect(policies.listTags(REPO)).rejects.toMatchObject({ code: "REGISTRY_RATE_LIMITED" });

    expect(calls.listTags).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it("opens the circuit after repeated failures and lets one trial through after the pause", async () => {
    const time = fakeTime();
    let healthy = false;
    const { client, calls } = scriptedClient({
      async tags() {
        if (!healthy) throw new RegistryError("REGISTRY_UNAVAILABLE", "503", { retryable: true });
        return ["1.0.0"];
      },
    });
    const policies = withRegistryPolicies(client, {
      ...time,
      retry: false,
      circuitBreaker: { failureThreshold: 3, resetAfterMs: 10_000 },
    });
    for (let i = 0; i < 3; i++) {
      policies.beginCycle();
      await expect(policies.listTags(REPO)).rejects.toMatchObject({ code: "REGISTRY_UNAVAILABLE" });
    }

    policies.beginCycle();
    await expect(policies.listTags(REPO)).rejects.toMatchObject({ code: "REGISTRY_CIRCUIT_OPEN", retryable: false });
    const whileOpen = calls.listTags;
    time.advance(10_000);
    healthy = true;
    policies.beginCycle();
    const tags = await policies.listTags(REPO);

    expect(whileOpen).toBe(3);
    expect(tags).toEqual(["1.0.0"]);
    expect(calls.listTags).toBe(4);
  });

  it("counts a call whose retries all failed as one failure of the breaker", async () => {
    const time = fakeTime();
    const { client, calls } = scriptedClient({
      async tags() {
        throw new RegistryError("REGISTRY_UNAVAILABLE", "503", { retryable: true });
      },
    });
    const policies = withRegistryPolicies(client, { ...time, circuitBreaker: { failureThreshold: 2 } });

    for (let i = 0; i < 3; i++) {
      policies.beginCycle();
      await policies.listTags(REPO).catch(() => {});
    }

    expect(calls.listTags).toBe(8);
    expect(policies.requestCounts()).toContainEqual({
      registry: "registry.test",
      method: "listTags",
      outcome: "REGISTRY_CIRCUIT_OPEN",
      count: 1,
    });
  });

  it("caps calls in flight per registry", async () => {
    let inFlight = 0;
    let peak = 0;
    const { client } = scriptedClient({
      async tags() {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return [];
      },
    });
    const policies = withRegistryPolicies(client, { concurrency: 2 });

    await Promise.all(Array.from({ length: 6 }, (_, i) => policies.listTags({ ...REPO, repository: `org/app${i}` })));

    expect(peak).toBe(2);
  });

  it("paces calls at the registry's rate limit", async () => {
    const time = fakeTime();
    const { client } = scriptedClient({});
    const policies = withRegistryPolicies(client, { ...time, rateLimits: { "registry.test": 4 } });

    for (let i = 0; i < 3; i++) await policies.listTags({ ...REPO, repository: `org/app${i}` });

    expect(time.waits).toEqual([250, 250]);
  });

  it("paces each registry at the limit of the endpoint serving it, inferred ones included", async () => {
    const time = fakeTime();
    const { client } = scriptedClient({});
    const endpoints = [
      {
        name: "slow",
        prefix: "registry.test",
        apiUrl: "https://registry.test",
        tagSortMode: "none" as const,
        insecure: false,
        isDefault: false,
        limit: 2,
      },
    ];
    const policies = withRegistryPolicies(client, { ...time, rateLimits: rateLimitOfEndpoints(endpoints) });

    for (let i = 0; i < 2; i++) await policies.listTags({ ...REPO, repository: `org/app${i}` });
    for (let i = 0; i < 2; i++) await policies.listTags({ registry: "other.test", repository: `org/app${i}` });

    expect(time.waits).toEqual([500, 50]);
  });

  it("answers metadata of a known tag or digest from the cache, per platform set", async () => {
    const { client, calls } = scriptedClient({});
    const policies = withRegistryPolicies(client);
    const arm = [{ os: "linux", architecture: "arm64" }];

    const first = await policies.getMetadata(REPO, "1.0.0");
    await policies.getMetadata(REPO, "1.0.0");
    await policies.getMetadata(REPO, first?.digest ?? "");
    policies.beginCycle();
    await policies.getMetadata(REPO, "1.0.0");
    await policies.getMetadata(REPO, "1.0.0", { platforms: arm });

    expect(calls.getMetadata).toBe(2);
  });

  it("never answers getDigest() from the metadata cache across cycles; within one, a read by tag answers it", async () => {
    const { client, calls } = scriptedClient({});
    const policies = withRegistryPolicies(client);

    const read = await policies.getMetadata(REPO, "latest");
    const sameCycle = await policies.getDigest(REPO, "latest");
    await policies.getDigest(REPO, "latest");
    policies.beginCycle();
    const nextCycle = await policies.getDigest(REPO, "latest");

    expect(sameCycle).toBe(read?.digest);
    expect(nextCycle).toBe(`sha256:${"a".repeat(64)}`);
    expect(calls.getDigest).toBe(1);
  });

  it("evicts the least recently used metadata beyond maxEntries", async () => {
    let n = 0;
    const { client, calls } = scriptedClient({
      metadata: () => ({ digest: `sha256:${String(++n).padStart(64, "0")}`, kind: "oci-manifest", labels: {} }),
    });
    const policies = withRegistryPolicies(client, { metadataCache: { maxEntries: 2 } });

    await policies.getMetadata(REPO, "1");
    await policies.getMetadata(REPO, "2");
    await policies.getMetadata(REPO, "3");
    await policies.getMetadata(REPO, "3");
    await policies.getMetadata(REPO, "1");

    expect(calls.getMetadata).toBe(4);
  });

  it("keeps what memory evicts in the directory: a working set 10x memory costs no manifest warm or after restart, and one HEAD per tag after restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "policies-"));
    dirs.push(dir);
    const directory = join(dir, "metadata");
    const metadata = (reference: string): ManifestMetadata => ({
      digest: `sha256:${reference.padStart(64, "0")}`,
      kind: "oci-manifest",
      createdAt: new Date(Number(reference) * 1000),
      labels: {},
    });
    const tags = Array.from({ length: 1_050 }, (_, i) => String(i + 1));
    const first = scriptedClient({ metadata });
    const cold = withRegistryPolicies(first.client, { metadataCache: { maxEntries: 100, directory } });
    for (const tag of tags) await cold.getMetadata(REPO, tag);
    const coldCalls = first.calls.getMetadata;
    cold.beginCycle();
    for (const tag of tags) await cold.getMetadata(REPO, tag);
    const warmCalls = first.calls.getMetadata - coldCalls;
    await cold.dispose?.();
    const second = scriptedClient({ metadata, digest: (tag) => metadata(tag).digest });
    const restarted = withRegistryPolicies(second.client, { metadataCache: { maxEntries: 100, directory } });

    const restored = await restarted.getMetadata(REPO, "7");
    for (const tag of tags) await restarted.getMetadata(REPO, tag);

    expect({
      coldCalls,
      warmCalls,
      warmHeads: first.calls.getDigest,
      restartCalls: second.calls.getMetadata,
      restartHeads: second.calls.getDigest,
    }).toEqual({
      coldCalls: 1_050,
      warmCalls: 0,
      warmHeads: 0,
      restartCalls: 0,
      // Where a tag points is an earlier process's word: confirmed once per tag, then trusted.
      restartHeads: 1_050,
    });
    expect(restored).toEqual(metadata("7"));
    expect(restored?.createdAt).toBeInstanceOf(Date);
  });

  it("fetches a tag again once getDigest() sees it moved, even after memory evicted it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "policies-"));
    dirs.push(dir);
    let digest = "a";
    const { client, calls } = scriptedClient({
      metadata: () => ({ digest: `sha256:${digest.repeat(64)}`, kind: "oci-manifest", labels: {} }),
    });
    const moved: RegistryClient = { ...client, getDigest: async () => `sha256:${digest.repeat(64)}` };
    const policies = withRegistryPolicies(moved, { metadataCache: { maxEntries: 1, directory: join(dir, "m") } });
    await policies.getMetadata(REPO, "latest");
    await policies.getMetadata(REPO, "other");
    digest = "c";
    policies.beginCycle();
    await policies.getDigest(REPO, "latest");

    const now = await policies.getMetadata(REPO, "latest");
    await policies.dispose?.();

    expect(now?.digest).toBe(`sha256:${"c".repeat(64)}`);
    expect(calls.getMetadata).toBe(3);
  });

  it("persists metadata to a file, so a new process pays only a HEAD for known tags", async () => {
    const dir = await mkdtemp(join(tmpdir(), "policies-"));
    dirs.push(dir);
    const file = join(dir, "cache", "metadata.json");
    const first = scriptedClient({});
    const before = withRegistryPolicies(first.client, { metadataCache: { file } });
    const original = await before.getMetadata(REPO, "1.0.0");
    await before.dispose?.();
    const second = scriptedClient({ digest: () => original?.digest ?? null });
    const after = withRegistryPolicies(second.client, { metadataCache: { file } });

    const restored = await after.getMetadata(REPO, "1.0.0");
    await after.getMetadata(REPO, "1.0.0");

    expect({ manifests: second.calls.getMetadata, heads: second.calls.getDigest }).toEqual({ manifests: 0, heads: 1 });
    expect(restored).toEqual(original);
    expect(restored?.createdAt).toBeInstanceOf(Date);
    expect(await readdir(join(dir, "cache"))).toEqual(["metadata.json"]);
  });

  it("starts empty with a warning when the cache file is not a cache", async () => {
    const dir = await mkdtemp(join(tmpdir(), "policies-"));
    dirs.push(dir);
    const file = join(dir, "metadata.json");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(file, "{not json");
    const warnings: string[] = [];
    const { client, calls } = scriptedClient({});
    const policies = withRegistryPolicies(client, { metadataCache: { file }, onWarning: (m) => warnings.push(m) });

    await policies.getMetadata(REPO, "1.0.0");

    expect(calls.getMetadata).toBe(1);
    expect(warnings).toHaveLength(1);
  });

  it("rejects an aborted caller with ABORTED and aborts the shared call once every caller has gone", async () => {
    const { client, calls } = scriptedClient({
      tags: (_repo, _call, signal) =>
        new Promise((_resolve, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
    });
    const policies = withRegistryPolicies(client);
    const a = new AbortController();
    const b = new AbortController();

    const first = policies.listTags(REPO, { signal: a.signal });
    const second = policies.listTags(REPO, { signal: b.signal });
    a.abort();
    await expect(first).rejects.toMatchObject({ code: "ABORTED" });
    const stillRunning = calls.signals[0]?.aborted;
    b.abort();
    await expect(second).rejects.toMatchObject({ code: "ABORTED" });

    expect(stillRunning).toBe(false);
    expect(calls.signals[0]?.aborted).toBe(true);
  });

  it("turns an unknown failure into REGISTRY_PROTOCOL with the original as cause", async () => {
    const cause = new TypeError("boom");
    const { client } = scriptedClient({
      async tags() {
        throw cause;
      },
    });
    const policies = withRegistryPolicies(client);

    await expect(policies.listTags(REPO)).rejects.toMatchObject({ code: "REGISTRY_PROTOCOL", cause });
  });
});

describe("withRegistryPolicies and moved tags", () => {
  it("forgets a tag's cached metadata once getDigest() sees it point elsewhere", async () => {
    let digest = `sha256:${"1".repeat(64)}`;
    const calls = { getMetadata: 0 };
    const client: RegistryClient = {
      id: "moving",
      capabilities: { createdAt: true, platforms: true, labels: true },
      listTags: async () => ["latest"],
      getDigest: async () => digest,
      async getMetadata() {
        calls.getMetadata++;
        return { digest, kind: "oci-manifest", labels: {} };
      },
    };
    const policies = withRegistryPolicies(client);

    await policies.getMetadata(REPO, "latest");
    await policies.getDigest(REPO, "latest");
    await policies.getMetadata(REPO, "latest");
    digest = `sha256:${"2".repeat(64)}`;
    policies.beginCycle();
    await policies.getDigest(REPO, "latest");
    const moved = await policies.getMetadata(REPO, "latest");

    expect(calls.getMetadata).toBe(2);
    expect(moved?.digest).toBe(digest);
  });
});
