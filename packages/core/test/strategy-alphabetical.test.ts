import { describe, expect, it } from "vitest";
import { decideUpdate, parseAllowTags, type TagMatcher } from "../src/index.js";
import { compareNatural } from "../src/strategy/natural-compare.js";

/** allow-tags as the configuration parser turns `regexp:<pattern>` into a matcher. */
function allow(pattern: string): TagMatcher {
  return parseAllowTags(`regexp:${pattern}`, { key: "allow-tags" }).value;
}

describe("alphabetical strategy", () => {
  it("picks the greatest tag byte-wise (reference §2.4 and its test vector)", async () => {
    const decision = await decideUpdate({
      current: null,
      strategy: "alphabetical",
      tags: ["zz", "bb", "yy", "cc", "yy", "aa", "ll"],
    });

    expect(decision).toMatchObject({ kind: "update", tag: "zz", tagsFound: 6 });
    expect(decision.winner?.why).toBe("zz comes last in byte-wise order among 6 candidates");
  });

  it("picks zebra from argocd-image-updater's SortAlphabetically vector", async () => {
    const tags = ["wohoo", "bazar", "alpha", "jesus", "zebra"];

    expect((await decideUpdate({ current: null, strategy: "alphabetical", tags })).tag).toBe("zebra");
  });

  it.each(["name", "NAME", "Alphabetical"])("is reached through %j", async (strategy) => {
    const decision = await decideUpdate({ current: null, strategy, tags: ["a", "b"] });

    expect(decision).toMatchObject({ strategy: "alphabetical", tag: "b" });
  });

  it("keeps argocd-image-updater's byte order by default: 26 beats 226", async () => {
    const decision = await decideUpdate({
      current: null,
      strategy: "alphabetical",
      tags: ["226", "26", "1.10", "1.9"],
    });

    expect(decision.tag).toBe("26");
  });

  it("orders digit runs as numbers with naturalSort", async () => {
    const decision = await decideUpdate({
      current: null,
      strategy: "alphabetical",
      naturalSort: true,
      tags: ["build-9", "build-10", "build-100", "build-099"],
    });

    expect(decision.tag).toBe("build-100");
    expect(decision.winner?.why).toContain("natural order");
  });

  it("applies the seed's release filter", async () => {
    const decision = await decideUpdate({
      current: { tag: "release-2024-05" },
      strategy: "name",
      allowTags: allow("^release-.*"),
      tags: ["release-2024-05", "release-2024-06", "zeta", "main"],
    });

    expect(decision).toMatchObject({ kind: "update", tag: "release-2024-06" });
  });

  it.each([
    ["asc", "zesty"],
    ["desc", "artful"],
  ] as const)("order %s picks %s, as Flux's alphabetical policy", async (order, expected) => {
    const decision = await decideUpdate({
      current: null,
      strategy: "alphabetical",
      order,
      allowDowngrade: true,
      tags: ["xenial", "yakkety", "zesty", "artful", "bionic"],
    });

    expect(decision.tag).toBe(expected);
  });

  it("sorts Flux's CalVer-like tags byte-wise: 16.10 beats 16.04.1", async () => {
    expect(
      (await decideUpdate({ current: null, strategy: "alphabetical", tags: ["16.04", "16.04.1", "16.10"] })).tag,
    ).toBe("16.10");
  });

  it("will not go back alphabetically from the running tag unless downgrades are allowed", async () => {
    const input = { current: { tag: "release-b" }, strategy: "alphabetical", tags: ["release-a"] } as const;

    expect((await decideUpdate(input)).kind).toBe("none");
    expect((await decideUpdate({ ...input, allowDowngrade: true })).tag).toBe("release-a");
  });
});

describe("compareNatural", () => {
  it.each([
    ["1.9", "1.10", -1],
    ["v2", "v10", -1],
    ["26", "226", -1],
    ["a", "b", -1],
    ["007", "7", -1],
    ["7", "007", 1],
    ["1.0", "1.a", -1],
    ["abc", "abc", 0],
    ["x1", "x1y", -1],
    ["99999999999999999999", "100000000000000000000", -1],
  ])("%j vs %j is %i", (a, b, expected) => {
    expect(compareNatural(a, b)).toBe(expected);
    expect(compareNatural(b, a)).toBe(-expected || 0);
  });
});
