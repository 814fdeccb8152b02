/**
 * Metadata read by tag may be a cache's memory of where the tag pointed. newest-build asks the tags that can
 * decide (the best one, and the running one the downgrade guard compares with) where they point now, and
 * follows them when they moved.
 */
import { describe, expect, it } from "vitest";
import { decideUpdate, type ManifestMetadata, type TagMetadataProvider } from "../src/index.js";

function built(day: number, digest = `sha256:day-${day}`): ManifestMetadata {
  return { digest, kind: "oci-manifest", labels: {}, createdAt: new Date(Date.UTC(2024, 0, day)) };
}

/**
 * A registry (`truth`) behind a cache that remembers `remembered` until a HEAD says the tag moved, as core's
 * policies behave. Counts HEADs and reads.
 */
function cachedRegistry(
  remembered: Record<string, ManifestMetadata>,
  truth: Record<string, ManifestMetadata | null>,
): TagMetadataProvider & { heads: string[]; reads: string[] } {
  const cache = new Map(Object.entries(remembered));
  const heads: string[] = [];
  const reads: string[] = [];
  return {
    heads,
    reads,
    async get(tag) {
      reads.push(tag);
      const known = cache.get(tag);
      if (known !== undefined) return known;
      const now = truth[tag] ?? null;
      if (now !== null) cache.set(tag, now);
      return now;
    },
    async getDigest(tag) {
      heads.push(tag);
      const now = truth[tag] ?? null;
      if (cache.get(tag)?.digest !== now?.digest) cache.delete(tag);
      return now?.digest ?? null;
    },
  };
}

async function decide(provider: TagMetadataProvider, running: string, tags: readonly string[]) {
  return decideUpdate({ current: { tag: running }, strategy: "newest-build", tags, metadata: provider });
}

const TAGS = ["b1", "b2", "b3"];
const AS_PUSHED = { b1: built(1), b2: built(2), b3: built(3) };

describe("newest-build confirms the contenders' digests", () => {
  it("asks only the winner when it runs already: one HEAD, no read beyond the cache", async () => {
    const provider = cachedRegistry(AS_PUSHED, AS_PUSHED);

    const decision = await decide(provider, "b3", TAGS);

    expect(decision).toMatchObject({ kind: "keep", tag: "b3", digest: "sha256:day-3" });
    expect(provider.heads).toEqual(["b3"]);
  });

  it("asks the winner and the running tag before an update", async () => {
    const provider = cachedRegistry(AS_PUSHED, AS_PUSHED);

    const decision = await decide(provider, "b1", TAGS);

    expect(decision).toMatchObject({ kind: "update", tag: "b3", digest: "sha256:day-3" });
    expect(provider.heads.sort()).toEqual(["b1", "b3"]);
  });

  it("writes the digest the winner points at now, when it was pushed again", async () => {
    const provider = cachedRegistry(AS_PUSHED, { ...AS_PUSHED, b3: built(9, "sha256:again") });

    const decision = await decide(provider, "b1", TAGS);

    expect(decision).toMatchObject({ kind: "update", tag: "b3", digest: "sha256:again" });
    expect(decision.winner?.why).toContain("2024-01-09");
  });

  it("ranks again when the winner was pushed again as an older image, and asks the new winner", async () => {
    const provider = cachedRegistry(AS_PUSHED, { ...AS_PUSHED, b3: built(0, "sha256:older") });

    const decision = await decide(provider, "b1", TAGS);

    expect(decision).toMatchObject({ kind: "update", tag: "b2", digest: "sha256:day-2" });
    expect(provider.heads.sort()).toEqual(["b1", "b2", "b3"]);
  });

  it("drops a winner deleted since it was cached, and says why", async () => {
    const provider = cachedRegistry(AS_PUSHED, { ...AS_PUSHED, b3: null });

    const decision = await decide(provider, "b1", TAGS);

    expect(decision).toMatchObject({ kind: "update", tag: "b2" });
    expect(decision.considered.find((entry) => entry.tag === "b3")).toMatchObject({
      kept: false,
      reason: "no-metadata",
    });
  });

  it("keeps a running tag pushed again as the newest image instead of moving down to the cached winner", async () => {
    const provider = cachedRegistry(AS_PUSHED, { ...AS_PUSHED, b1: built(9, "sha256:b1-again") });

    const decision = await decide(provider, "b1", TAGS);

    expect(decision).toMatchObject({ kind: "keep", tag: "b1", digest: "sha256:b1-again" });
  });

  it("asks nothing when the registry orders its listing (no metadata is read)", async () => {
    const provider = cachedRegistry(AS_PUSHED, AS_PUSHED);

    const decision = await decideUpdate({
      current: { tag: "b1" },
      strategy: "newest-build",
      tags: TAGS,
      metadata: provider,
      tagSortMode: "latest-last",
    });

    expect(decision).toMatchObject({ kind: "update", tag: "b3" });
    expect(provider.heads).toEqual([]);
  });
});
