import { describe, expect, it } from "vitest";
import {
  type DecideUpdateInput,
  decideUpdate,
  type ManifestMetadata,
  parseAllowTags,
  type TagMetadataProvider,
  type UpdateStrategy,
} from "../src/index.js";
import { createStrategyRegistry } from "../src/strategy/registry.js";

// One listing as the engine's per-cycle cache hands it to every application watching the repository.
const LISTING: readonly string[] = [
  "1.0.0",
  "v1.2",
  "1.2.0",
  "1.10.0-rc.1",
  "2.0.0",
  "latest",
  "build-20240102-1a2b3c",
  "build-20231201-ffffff",
  "1.2.0",
  "0.9.9",
  "10",
  "3.0.0+meta",
];

function metadata(): TagMetadataProvider {
  return {
    async get(tag): Promise<ManifestMetadata | null> {
      const seconds = LISTING.indexOf(tag) * 100 + tag.length;
      return { digest: `sha256:${tag}`, kind: "oci-manifest", labels: {}, createdAt: new Date(seconds * 1000) };
    },
  };
}

// Settings that differ only in what the shared screening must not mix up: constraint, filters, extraction,
// options, the strategy, the running tag (listed, vanished, absent) and the downgrade guard.
const SETTINGS: readonly Omit<DecideUpdateInput, "tags">[] = [
  { current: { tag: "1.0.0" }, strategy: "semver" },
  { current: { tag: "1.0.0" }, strategy: "semver", constraint: "~1.2" },
  { current: { tag: "1.0.0" }, strategy: "semver", constraint: ">=1.0.0-0" },
  { current: { tag: "1.0.0" }, strategy: "semver", constraint: "not a constraint" },
  { current: { tag: "2.0.0" }, strategy: "semver", constraint: "<2", allowDowngrade: false },
  { current: { tag: "2.0.0" }, strategy: "semver", constraint: "<2", allowDowngrade: true },
  { current: { tag: "1.0.0" }, strategy: "semver", ignoreTags: ["2.*", "3.*"] },
  { current: { tag: "1.0.0" }, strategy: "semver", allowTags: parseAllowTags("regexp:^1\\.", { key: "a" }).value },
  { current: { tag: "4.0.0" }, strategy: "semver" },
  { current: null, strategy: "semver" },
  { current: { tag: "1.0.0" }, strategy: "alphabetical" },
  { current: { tag: "1.0.0" }, strategy: "alphabetical", order: "desc", naturalSort: true },
  { current: { tag: "1.0.0" }, strategy: "numerical" },
  { current: { tag: "1.0.0" }, strategy: "semver", extract: { pattern: "^build-(\\d+)" } },
  { current: { tag: "build-20231201-ffffff" }, strategy: "numerical", extract: { pattern: "^build-(\\d+)" } },
  { current: { tag: "1.0.0" }, strategy: "numerical", extract: { pattern: "(" } },
  { current: { tag: "1.0.0" }, strategy: "newest-build", metadata: metadata() },
  { current: { tag: "gone" }, strategy: "newest-build", metadata: metadata() },
  { current: { tag: "1.0.0" }, strategy: "newest-build", ignoreTags: ["build-*"], metadata: metadata() },
  { current: { tag: "latest" }, strategy: "digest", constraint: "latest", metadata: metadata() },
  { current: { tag: "1.0.0" }, strategy: "no-such-strategy" },
  // What only an untyped caller passes: told apart from the typed settings above, never shared wrongly.
  { current: { tag: "1.0.0" }, strategy: "semver", constraint: null as unknown as string },
  { current: { tag: "1.0.0" }, strategy: "semver", constraint: 2 as unknown as string },
  { current: { tag: "1.0.0" }, strategy: "semver", constraint: Number.NaN as unknown as string },
];

describe("decisions over one shared listing", () => {
  it("decide every setting as they would over a listing of their own, in any order", async () => {
    const alone = await Promise.all(SETTINGS.map((settings) => decideUpdate({ ...settings, tags: [...LISTING] })));
    const shared = [...LISTING];
    const forwards = [];
    for (const settings of SETTINGS) forwards.push(await decideUpdate({ ...settings, tags: shared }));
    const backwards = [];
    for (const settings of [...SETTINGS].reverse())
      backwards.unshift(await decideUpdate({ ...settings, tags: shared }));

    expect(forwards).toEqual(alone);
    expect(backwards).toEqual(alone);
    // The comparison is not vacuous: the settings reach different outcomes.
    expect(new Set(alone.map((decision) => `${decision.kind} ${decision.tag}`)).size).toBeGreaterThan(6);
  });

  it("follows a listing array changed after a decision", async () => {
    const tags = ["1.0.0", "1.1.0"];
    const before = await decideUpdate({ current: { tag: "1.0.0" }, strategy: "semver", tags });
    tags.push("1.2.0");
    const after = await decideUpdate({ current: { tag: "1.0.0" }, strategy: "semver", tags });
    tags[2] = "1.3.0";
    const replaced = await decideUpdate({ current: { tag: "1.0.0" }, strategy: "semver", tags });

    expect([before.tag, after.tag, replaced.tag]).toEqual(["1.1.0", "1.2.0", "1.3.0"]);
    expect(replaced.considered.map((entry) => entry.tag)).toEqual(["1.0.0", "1.1.0", "1.3.0"]);
  });

  it("keeps strategies of different registries apart even under one name", async () => {
    const tags = ["a", "bb", "ccc"];
    function ranking(direction: 1 | -1): UpdateStrategy {
      return {
        name: "by-length",
        needsMetadata: false,
        prepare: () => ({
          evaluate: () => ({ kept: true }),
          compare: (a, b) => direction * (a.tag.length - b.tag.length),
          explain: (winner) => `${winner.tag} wins`,
        }),
      };
    }
    const longest = createStrategyRegistry();
    longest.register(ranking(1));
    const shortest = createStrategyRegistry();
    shortest.register(ranking(-1));

    const first = await decideUpdate({ current: null, strategy: "by-length", tags, registry: longest });
    const second = await decideUpdate({ current: null, strategy: "by-length", tags, registry: shortest });

    expect([first.tag, second.tag]).toEqual(["ccc", "a"]);
  });
});
