import { describe, expect, it } from "vitest";
import {
  type DecideUpdateInput,
  decideUpdate,
  type ImageMetadata,
  isImageUpdaterError,
  type ManifestMetadata,
  type Platform,
  parseAllowTags,
  RegistryError,
  type TagMatcher,
  type TagMetadataProvider,
} from "../src/index.js";

/** allow-tags as the configuration parser turns `regexp:<pattern>` into a matcher. */
function allow(pattern: string): TagMatcher {
  return parseAllowTags(`regexp:${pattern}`, { key: "allow-tags" }).value;
}

const AMD64: Platform = { os: "linux", architecture: "amd64" };
const ARM64: Platform = { os: "linux", architecture: "arm64" };

function image(seconds: number | undefined, platform: Platform = AMD64, digest = `sha256:${seconds}`): ImageMetadata {
  return {
    digest,
    kind: "oci-manifest",
    platform,
    labels: {},
    ...(seconds === undefined ? {} : { createdAt: new Date(seconds * 1000) }),
  };
}

function index(digest: string, children: readonly ImageMetadata[]): ManifestMetadata {
  return { digest, kind: "oci-index", labels: {}, children };
}

/** A provider over fixed metadata that counts its calls and the most calls in flight at once. */
function recordingProvider(byTag: Readonly<Record<string, ManifestMetadata | null>>) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const provider: TagMetadataProvider = {
    async get(tag) {
      calls.push(tag);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return byTag[tag] ?? null;
    },
  };
  return { provider, calls, maxInFlight: () => maxInFlight };
}

function newest(tags: readonly string[], provider: TagMetadataProvider, extra: Partial<DecideUpdateInput> = {}) {
  return decideUpdate({ current: null, strategy: "newest-build", tags, metadata: provider, ...extra });
}

describe("newest-build strategy", () => {
  it("picks the newest build: the reference vector zz,bb,yy,cc,yy,aa,ll → ll", async () => {
    // The Go list is a map by tag name, so the second `yy` (20) overwrote the first (10).
    const times: Record<string, number> = { zz: 0, bb: 5, yy: 20, cc: 15, aa: 25, ll: 30 };
    const { provider } = recordingProvider(Object.fromEntries(Object.entries(times).map(([t, s]) => [t, image(s)])));

    const decision = await newest(["zz", "bb", "yy", "cc", "yy", "aa", "ll"], provider);

    expect(decision).toMatchObject({ kind: "update", tag: "ll", digest: "sha256:30", strategy: "newest-build" });
    expect(decision.winner?.why).toBe("ll is the newest build (built 1970-01-01T00:00:30.000Z) among 6 candidates");
  });

  it("breaks equal build times by tag text, greatest wins (f33bacd, dev, latest → latest)", async () => {
    const same = image(100, AMD64, "sha256:same");
    const { provider } = recordingProvider({ f33bacd: same, dev: same, latest: same });

    expect((await newest(["f33bacd", "dev", "latest"], provider)).tag).toBe("latest");
  });

  it("is reached through the alias `latest`", async () => {
    const { provider } = recordingProvider({ a: image(1), b: image(2) });

    expect(await newest(["a", "b"], provider, { strategy: "latest" })).toMatchObject({
      strategy: "newest-build",
      tag: "b",
    });
  });

  it.each([
    [[4, 1, 0, 3, 2], "v2.0.2"],
    [[0, 0, 0, 0, 0], "v2.0.3"],
  ])("orders argocd-image-updater's SortByDate vector (dates %j) and picks %s", async (dates, expected) => {
    const names = ["v2.0.2", "v1.0", "v1.0.1", "v2.0.3", "v2.0"];
    const { provider } = recordingProvider(Object.fromEntries(names.map((name, i) => [name, image(dates[i])])));

    expect((await newest(names, provider)).tag).toBe(expected);
  });

  it("takes the newest platform-matching child of an index and drops tags without a wanted platform", async () => {
    const { provider } = recordingProvider({
      multi: index("sha256:idx", [image(10, AMD64), image(50, ARM64)]),
      amd: image(20, AMD64),
      arm: image(40, ARM64),
    });

    const forAmd = await newest(["multi", "amd", "arm"], provider, { platforms: [AMD64] });
    const forArm = await newest(["multi", "amd", "arm"], provider, { platforms: [ARM64] });

    expect(forAmd).toMatchObject({ tag: "amd", digest: "sha256:20" });
    expect(forAmd.considered).toEqual([
      { tag: "multi", kept: true, reason: "allowed" },
      { tag: "amd", kept: true, reason: "allowed" },
      { tag: "arm", kept: false, reason: "platform", detail: "offers linux/arm64; wanted linux/amd64" },
    ]);
    expect(forArm).toMatchObject({ tag: "multi", digest: "sha256:idx" });
    expect(forArm.considered[1]).toMatchObject({ reason: "platform" });
  });

  it("accepts a linux/arm64/v8 child for a wanted linux/arm64 (reference §2.2, PR #858)", async () => {
    const { provider } = recordingProvider({ a: index("sha256:a", [image(5, { ...ARM64, variant: "v8" })]) });

    expect(await newest(["a"], provider, { platforms: [ARM64] })).toMatchObject({ kind: "update", tag: "a" });
  });

  it("drops an index with no wanted platform and says what it offers", async () => {
    const { provider } = recordingProvider({ a: index("sha256:a", [image(5, AMD64)]) });

    const decision = await newest(["a"], provider, {
      platforms: [{ os: "linux", architecture: "arm", variant: "v7" }],
    });

    expect(decision.kind).toBe("none");
    expect(decision.considered[0]).toEqual({
      tag: "a",
      kept: false,
      reason: "platform",
      detail: "offers linux/amd64; wanted linux/arm/v7",
    });
  });

  it("fetches metadata only for tags that survived the filters", async () => {
    const { provider, calls } = recordingProvider({ "1.0": image(1), "1.1": image(2), dev: image(3) });

    await newest(["1.0", "1.1", "dev", "latest"], provider, {
      allowTags: allow("^[0-9.]+$"),
      ignoreTags: ["1.0"],
    });

    expect(calls).toEqual(["1.1"]);
  });

  it("keeps at most metadataConcurrency requests in flight", async () => {
    const tags = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const { provider, calls, maxInFlight } = recordingProvider(Object.fromEntries(tags.map((t, i) => [t, image(i)])));

    const decision = await newest(tags, provider, { metadataConcurrency: 3 });

    expect(decision.tag).toBe("t29");
    expect(calls).toHaveLength(30);
    expect(maxInFlight()).toBe(3);
  });

  it("drops a tag that vanished before its manifest was read", async () => {
    const { provider } = recordingProvider({ a: image(1), gone: null });

    const decision = await newest(["a", "gone"], provider);

    expect(decision.tag).toBe("a");
    expect(decision.considered[1]).toMatchObject({ kept: false, reason: "no-metadata" });
  });

  it("ranks an image without a recorded build time as oldest", async () => {
    const { provider } = recordingProvider({ undated: image(undefined), dated: image(1) });

    expect((await newest(["undated", "dated"], provider)).tag).toBe("dated");
  });

  it("turns a registry failure into an error decision and sends no further request", async () => {
    const calls: string[] = [];
    const provider: TagMetadataProvider = {
      async get(tag) {
        calls.push(tag);
        if (tag === "b") throw new RegistryError("REGISTRY_RATE_LIMITED", "429", { retryable: true });
        return image(1);
      },
    };

    const decision = await newest(["a", "b", "c", "d"], provider, { metadataConcurrency: 1 });

    expect(decision.kind).toBe("error");
    expect(decision.error).toMatchObject({ code: "REGISTRY_RATE_LIMITED", retryable: true });
    expect(calls).toEqual(["a", "b"]);
  });

  it("wraps a non-typed provider failure as REGISTRY_PROTOCOL", async () => {
    const provider: TagMetadataProvider = {
      get: async () => {
        throw new Error("boom");
      },
    };

    const decision = await newest(["a"], provider);

    expect(isImageUpdaterError(decision.error, "REGISTRY_PROTOCOL")).toBe(true);
  });

  it("reports ABORTED when the caller aborts", async () => {
    const controller = new AbortController();
    const provider: TagMetadataProvider = {
      async get() {
        controller.abort();
        return image(1);
      },
    };

    const decision = await newest(["a", "b"], provider, { signal: controller.signal, metadataConcurrency: 1 });

    expect(isImageUpdaterError(decision.error, "ABORTED")).toBe(true);
  });

  it("needs a metadata provider", async () => {
    const decision = await decideUpdate({ current: null, strategy: "newest-build", tags: ["a"] });

    expect(isImageUpdaterError(decision.error, "CONFIG_INVALID")).toBe(true);
  });

  it.each([
    ["latest-first", "first"],
    ["latest-last", "last"],
  ] as const)("with tagsortmode %s, dates come from listing order and no manifest is read", async (mode, expected) => {
    const { provider, calls } = recordingProvider({});

    const decision = await newest(["first", "middle", "last"], provider, { tagSortMode: mode });

    expect(decision.tag).toBe(expected);
    expect(calls).toEqual([]);
    expect(decision.warnings).toEqual([expect.objectContaining({ setting: "tagsortmode" })]);
  });

  it("will not move to an older build than the running one, even when the running tag left the registry", async () => {
    const { provider, calls } = recordingProvider({ old: image(50), running: image(100) });

    const guarded = await newest(["old"], provider, { current: { tag: "running" } });
    const allowed = await newest(["old"], provider, { current: { tag: "running" }, allowDowngrade: true });

    expect(guarded.kind).toBe("none");
    expect(guarded.considered[0]).toMatchObject({ reason: "downgrade" });
    expect(allowed).toMatchObject({ kind: "update", tag: "old" });
    expect(calls.filter((tag) => tag === "running")).toHaveLength(1);
  });

  it("never downgrades when the running tag was deleted: no choice, a warning and `vanished`", async () => {
    const { provider } = recordingProvider({ "build-3": image(30), "build-4": image(40), "build-5": null });

    const guarded = await newest(["build-3", "build-4"], provider, { current: { tag: "build-5" } });
    const allowed = await newest(["build-3", "build-4"], provider, {
      current: { tag: "build-5" },
      allowDowngrade: true,
    });

    expect(guarded).toMatchObject({ kind: "none", vanished: "build-5" });
    expect(guarded.tag).toBeUndefined();
    expect(guarded.message).toContain("`build-5` is no longer in the registry");
    expect(guarded.warnings).toEqual([expect.objectContaining({ setting: "current" })]);
    expect(allowed).toMatchObject({ kind: "update", tag: "build-4", vanished: "build-5" });
  });

  it("a listed running tag is not reported as vanished", async () => {
    const { provider } = recordingProvider({ "build-4": image(40), "build-5": image(50) });

    const decision = await newest(["build-4", "build-5"], provider, { current: { tag: "build-5" } });

    expect(decision).toMatchObject({ kind: "keep", tag: "build-5" });
    expect(decision.vanished).toBeUndefined();
  });

  it("reuses what it read for the running tag instead of asking the registry twice", async () => {
    const { provider, calls } = recordingProvider({ old: image(50, AMD64), running: image(100, ARM64) });

    const decision = await newest(["old", "running"], provider, { current: { tag: "running" }, platforms: [AMD64] });

    expect(decision.kind).toBe("none");
    expect(decision.considered.map((entry) => entry.reason)).toEqual(["downgrade", "platform"]);
    expect([...calls].sort()).toEqual(["old", "running"]);
  });
});
