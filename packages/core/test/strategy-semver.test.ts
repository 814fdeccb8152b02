import { describe, expect, it, vi } from "vitest";
import {
  type DecideUpdateInput,
  decideUpdate,
  isImageUpdaterError,
  parseAllowTags,
  type TagMatcher,
  type TagMetadataProvider,
} from "../src/index.js";

/** allow-tags as the configuration parser turns `regexp:<pattern>` into a matcher. */
function allow(pattern: string): TagMatcher {
  return parseAllowTags(`regexp:${pattern}`, { key: "allow-tags" }).value;
}

const REFERENCE_TAGS = ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"];

function semver(tags: readonly string[], constraint?: string, extra: Partial<DecideUpdateInput> = {}) {
  return decideUpdate({
    current: null,
    strategy: "semver",
    tags,
    ...(constraint === undefined ? {} : { constraint }),
    ...extra,
  });
}

describe("semver strategy: argocd-image-updater reference §2.1 examples", () => {
  it.each([
    [undefined, "2.0.3"],
    ["", "2.0.3"],
    ["^1.0", "1.1.2"],
    ["~1.0", "1.0.1"],
    ["1.x", "1.1.2"],
    ["1.X.X", "1.1.2"],
    ["<1.0", "0.9"],
    [">=0.5 <1.0 || 2.x", "2.0.3"],
    ["0.1 - 0.9", "0.9"],
  ])("constraint %j over the reference tags picks %s", async (constraint, expected) => {
    const decision = await semver(REFERENCE_TAGS, constraint);

    expect(decision).toMatchObject({ kind: "update", tag: expected, strategy: "semver", tagsFound: 7 });
    expect(decision.winner?.tag).toBe(expected);
  });

  it("returns no candidate, not the current tag, when nothing satisfies the constraint (HEAD behaviour)", async () => {
    const decision = await semver(["0.1", "0.5.1", "0.9", "2.0.3"], "~1.0", { current: { tag: "1.0.0" } });

    expect(decision.kind).toBe("none");
    expect(decision.tag).toBeUndefined();
    expect(decision.message).toBe("no tag matched constraint `~1.0` (4 found: 4 constraint)");
  });

  it("reports an invalid constraint as an error decision, never a throw", async () => {
    const decision = await semver(REFERENCE_TAGS, "latest");

    expect(decision.kind).toBe("error");
    expect(isImageUpdaterError(decision.error, "STRATEGY_CONSTRAINT_INVALID")).toBe(true);
    expect(decision.message).toContain("`latest` is not a valid version constraint");
  });

  it("excludes pre-releases when no constraint is given (HEAD behaviour)", async () => {
    const decision = await semver(["v2.2.0", "v2.3.0-rc.0.18.g1abb7b5dd-ppc64le"]);

    expect(decision.tag).toBe("v2.2.0");
    expect(decision.considered[1]).toMatchObject({ kept: false, reason: "pre-release" });
  });

  it.each([
    ["2.x-0", "2.3.0-rc.1"],
    [">=1.0.0-0", "2.3.0-rc.1"],
    ["^2.0.0-alpha", "2.3.0-rc.1"],
    ["2.x", "2.2.0"],
  ])("constraint %j lets pre-releases compete: %s wins", async (constraint, expected) => {
    expect((await semver(["2.2.0", "2.3.0-rc.1", "1.9.0"], constraint)).tag).toBe(expected);
  });

  it.each([
    [["v2.0", "v2.0.0"], "v2.0.0"],
    [["v2.0.0", "v2.0"], "v2.0.0"],
    [["1.0.0+b", "1.0.0+a"], "1.0.0+b"],
    [["2", "2.0", "2.0.0", "v2.0.0"], "v2.0.0"],
  ])("breaks ties of equal versions by text, greatest wins: %j → %s", async (tags, expected) => {
    expect((await semver(tags)).tag).toBe(expected);
  });

  it("reads tags leniently as Masterminds does: numbers are versions, dates are pre-releases, SHAs are not", async () => {
    const decision = await semver(["20240102", "2024-01-03", "1a2b3c4", "latest", "v3"]);

    expect(decision.tag).toBe("20240102");
    expect(decision.considered.map((entry) => entry.reason)).toEqual([
      "allowed",
      "pre-release",
      "unparsable",
      "unparsable",
      "allowed",
    ]);
  });

  it("updates from a running tag that is not semver (HEAD behaviour, not v0.18's error)", async () => {
    const decision = await semver(["1.0.0", "1.1.0"], undefined, { current: { tag: "latest" } });

    expect(decision).toMatchObject({ kind: "update", tag: "1.1.0" });
  });

  it("keeps the running tag when it is already the best", async () => {
    const decision = await semver(["1.0.0", "1.1.0"], "^1.0", { current: { tag: "1.1.0" } });

    expect(decision).toMatchObject({ kind: "keep", tag: "1.1.0" });
    expect(decision.message).toBe(
      "1.1.0 is already running: 1.1.0 is the highest version satisfying `^1.0` among 2 candidates",
    );
  });

  it("picks the e2e 001 answer: constraint 1.X.X over a local registry", async () => {
    expect((await semver(["1.0.0", "1.0.1", "1.0.2", "2.0.0"], "1.X.X", { current: { tag: "1.0.0" } })).tag).toBe(
      "1.0.2",
    );
  });

  it("never reads metadata, whatever the platforms", async () => {
    const metadata: TagMetadataProvider = { get: vi.fn(async () => null) };

    const decision = await semver(REFERENCE_TAGS, undefined, {
      metadata,
      platforms: [{ os: "linux", architecture: "arm64" }],
    });

    expect(decision.tag).toBe("2.0.3");
    expect(metadata.get).not.toHaveBeenCalled();
  });

  it("reports no tags found on an empty repository", async () => {
    expect(await semver([])).toMatchObject({ kind: "none", tagsFound: 0, message: "no tags found in the registry" });
  });

  it("finds nothing among tags that are not versions, where v0.18 returned the running tag", async () => {
    const decision = await semver(["zz", "bb", "yy", "cc", "yy", "aa", "ll"], undefined, { current: { tag: "bb" } });

    expect(decision.kind).toBe("none");
    expect(decision.considered.every((entry) => entry.reason === "unparsable")).toBe(true);
  });

  it("finds nothing in an empty repository, where v0.18 returned the running tag", async () => {
    expect(await semver([], "~1.0", { current: { tag: "1.0" } })).toMatchObject({ kind: "none", tagsFound: 0 });
  });
});

// Keel's Test_shouldUpdate vectors (peers.md §2.4), each expressed with our settings: `all`/`major` is any higher
// version, `minor` is `^current`, `patch` is `~current`, matchPreRelease is an allow-tags suffix filter. The
// downgrade guard gives Keel's "never lower".
describe("Keel policy vectors through the semver strategy", () => {
  it.each([
    ["1.4.5", "1.4.3", "all", "*", undefined, false],
    ["1.4.5", "1.4.6", "all", "*", undefined, true],
    ["1.4", "1.5", "all", "*", undefined, true],
    ["1.4.5", "2.4.5", "major", "*", undefined, true],
    ["1.4", "1.4.6", "patch", "~1.4", undefined, true],
    ["1.4", "1.5.6", "patch", "~1.4", undefined, false],
    ["1.4.5", "2.4.6", "patch", "~1.4.5", undefined, false],
    ["1.4.5", "1.4.6", "minor", "^1.4.5", undefined, true],
    ["1.4.5", "1.4.5-xx", "minor + matchPreRelease", "^1.4.5", undefined, false],
    ["v1.0.0", "v1.0.1-metadata", "minor + matchPreRelease", "^v1.0.0", undefined, false],
    ["v1.0.0-metadata", "v1.0.1-metadata", "minor + matchPreRelease", "^v1.0.0-metadata", "-metadata$", true],
    ["1.4.5-xx", "1.4.6-yy", "minor + matchPreRelease", "^1.4.5-xx", "-xx$", false],
    ["1.4.5-xx", "1.4.5-yy", "all", ">=0.0.0-0", undefined, true],
    ["1.4.5-xx", "1.4.5-yy", "patch", "~1.4.5-xx", undefined, true],
  ])("%s → %s (%s) is %s", async (current, next, _policy, constraint, suffix, expected) => {
    const decision = await semver([current, next], constraint, {
      current: { tag: current },
      ...(suffix === undefined ? {} : { allowTags: allow(suffix) }),
    });

    expect(decision.kind === "update" && decision.tag === next).toBe(expected);
  });

  it("1.4.5 → 3050: Keel errors (two or three parts required); Masterminds reads 3050 as 3050.0.0", async () => {
    const lenient = await semver(["1.4.5", "3050"], undefined, { current: { tag: "1.4.5" } });
    const keelLike = await semver(["1.4.5", "3050"], undefined, {
      current: { tag: "1.4.5" },
      allowTags: allow("^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?"),
    });

    expect(lenient).toMatchObject({ kind: "update", tag: "3050" });
    expect(keelLike).toMatchObject({ kind: "keep", tag: "1.4.5" });
  });
});
