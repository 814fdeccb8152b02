import { describe, expect, it } from "vitest";
import {
  compileGlob,
  compilePattern,
  createTagFilters,
  decideUpdate,
  matchesGlob,
  parseAllowTags,
  type TagMatcher,
} from "../src/index.js";

/** allow-tags as the configuration parser turns `regexp:<pattern>` into a matcher. */
function allow(pattern: string): TagMatcher {
  return parseAllowTags(`regexp:${pattern}`, { key: "allow-tags" }).value;
}

describe("matchesGlob (Go filepath.Match semantics)", () => {
  it.each([
    ["latest", "latest", true],
    ["latest", "latest-1", false],
    ["*", "anything", true],
    ["*", "", true],
    ["dev-*", "dev-1a2b3c", true],
    ["dev-*", "release-1", false],
    ["*-rc*", "1.2.0-rc1", true],
    ["1.?.0", "1.2.0", true],
    ["1.?.0", "1.10.0", false],
    ["[0-9]*", "1.0", true],
    ["[0-9]*", "v1.0", false],
    ["[^v]*", "1.0", true],
    ["[^v]*", "v1.0", false],
    ["[abc]", "b", true],
    ["[a-c][x-z]", "by", true],
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["[\\]]", "]", true],
    ["[z-a]", "m", false],
    ["[^z-a]", "m", true],
    ["a*", "a/b", false],
    ["a?b", "a/b", false],
    ["master", "Master", false],
    ["tag?", "tag1", true],
    ["tag?", "tag10", false],
    ["*.[0-9]", "1.2.3", true],
    ["?", "é", true],
    ["{a,b}", "a", false],
    ["!latest", "dev", false],
    // Go negates with `^` only: `[!a]` is the class of `!` and `a` (minimatch would negate it).
    ["[!a]", "b", false],
    ["[!a]", "!", true],
    ["[/]", "/", true],
    ["**", "a", true],
    ["a**b", "ab", true],
  ])("%j matches %j: %s", (pattern, name, expected) => {
    expect(matchesGlob(pattern, name)).toBe(expected);
  });

  it.each(["[", "[a", "a[", "[]", "[]a]", "[-a]", "[a-]", "abc\\", "[^]", "[a-\\"])(
    "%j is malformed and matches nothing",
    (pattern) => {
      const compiled = compileGlob(pattern);

      expect(compiled.matches).toBeUndefined();
      expect(compiled.error).toContain(pattern);
      expect(matchesGlob(pattern, pattern)).toBe(false);
    },
  );
});

describe("compilePattern (RE2 spellings)", () => {
  it.each([
    ["^[0-9]+\\.[0-9]+\\.[0-9]+$", "1.2.3", true],
    ["^[0-9]+\\.[0-9]+\\.[0-9]+$", "v1.2.3", false],
    ["^release-.*", "release-2024", true],
    ["release", "pre-release-1", true],
    ["(?i)^RC", "rc1", true],
    ["^(?P<major>\\d+)\\.", "10.1", true],
    ["\\Av1\\z", "v1", true],
    ["\\Av1\\z", "v1\n", false],
    ["^\\Q1.2+\\E$", "1.2+", true],
    ["^\\Q1.2+\\E$", "112+", false],
    ["^[[:digit:]]+$", "2024", true],
    ["^[[:alpha:]-]+$", "dev-build", true],
    ["^[[:alpha:]]+$", "dev1", false],
    ["^\\pL+$", "été", true],
    ["^[]a]+$", "a]a", true],
    ["^[0-9a-f]{7}$", "1a2b3c4", true],
    ["a(?i)b", "aB", true],
    ["(?U)^a+", "aaa", true],
  ])("%j on %j is %s", (pattern, tag, expected) => {
    const compiled = compilePattern(pattern);

    expect(compiled.error).toBeUndefined();
    expect(compiled.regexp?.test(tag)).toBe(expected);
  });

  it.each(["(", "[a-", "a)", "(?Z)a", "[[:nope:]]", "\\", "(a)\\1", "(?=a)"])("%j is invalid", (pattern) => {
    expect(compilePattern(pattern).error).toBeDefined();
  });
});

describe("createTagFilters", () => {
  it("checks allow-tags before ignore-tags and names the setting that dropped a tag", () => {
    const filters = createTagFilters(allow("^[0-9]+\\.[0-9]+\\.[0-9]+$"), ["1.0.*"]);

    expect(filters.check("1.1.0")).toEqual({ kept: true });
    expect(filters.check("1.0.5")).toEqual({ kept: false, reason: "ignore-tags", detail: "matches `1.0.*`" });
    expect(filters.check("latest")).toMatchObject({ kept: false, reason: "allow-tags" });
    expect(filters.warnings).toEqual([]);
  });

  it("fails closed when the parser marked allow-tags invalid", () => {
    const matcher = parseAllowTags("regexp:^(1", { key: "allow-tags" }).value;

    expect(matcher.kind).toBe("none");
    expect(createTagFilters(matcher, []).check("1.0.0")).toMatchObject({ detail: expect.stringContaining("^(1") });
    expect(createTagFilters(matcher, []).check("1.0.0")).toMatchObject({ kept: false, reason: "allow-tags" });
  });

  it("fails closed on a matcher whose expression does not compile, with a warning", () => {
    const filters = createTagFilters({ kind: "regexp", pattern: "^(1", written: "^(1" }, []);

    expect(filters.check("1.0.0")).toMatchObject({ kept: false, reason: "allow-tags" });
    expect(filters.warnings).toEqual([expect.objectContaining({ setting: "allow-tags" })]);
  });

  it("allows nothing for `none` and everything for `any`", () => {
    expect(createTagFilters({ kind: "none", reason: "broken" }, []).check("1.0.0")).toMatchObject({
      kept: false,
      reason: "allow-tags",
    });
    expect(createTagFilters({ kind: "any" }, []).check("anything")).toEqual({ kept: true });
    expect(createTagFilters(undefined, undefined).check("anything")).toEqual({ kept: true });
  });

  it("skips a malformed ignore glob with a warning and keeps applying the others", () => {
    const filters = createTagFilters({ kind: "any" }, ["[", "dev"]);

    expect(filters.check("dev")).toMatchObject({ kept: false, reason: "ignore-tags" });
    expect(filters.check("[")).toEqual({ kept: true });
    expect(filters.warnings).toEqual([expect.objectContaining({ setting: "ignore-tags" })]);
  });
});

describe("filters in a decision", () => {
  it("applies the seed's production settings: numeric semver tags only, latest and dev ignored", async () => {
    const decision = await decideUpdate({
      current: { tag: "1.2.0" },
      strategy: "semver",
      allowTags: allow("^[0-9]+\\.[0-9]+\\.[0-9]+$"),
      ignoreTags: ["latest", "dev"],
      tags: ["1.2.0", "v1.9.0", "1.3.0", "1.4.0-beta.1", "latest", "dev", "1.3"],
    });

    expect(decision).toMatchObject({ kind: "update", tag: "1.3.0", tagsFound: 7 });
    expect(decision.considered.map((entry) => [entry.tag, entry.reason])).toEqual([
      ["1.2.0", "allowed"],
      ["v1.9.0", "allow-tags"],
      ["1.3.0", "allowed"],
      ["1.4.0-beta.1", "allow-tags"],
      ["latest", "allow-tags"],
      ["dev", "allow-tags"],
      ["1.3", "allow-tags"],
    ]);
  });

  it("disables updates with ignore-tags `*`", async () => {
    const decision = await decideUpdate({
      current: null,
      strategy: "semver",
      ignoreTags: ["*"],
      tags: ["1.0.0", "2.0.0"],
    });

    expect(decision.kind).toBe("none");
    expect(decision.considered.every((entry) => entry.reason === "ignore-tags")).toBe(true);
  });
});
