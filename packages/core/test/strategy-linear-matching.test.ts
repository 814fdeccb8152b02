import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, compilePattern, createTagFilters, decideUpdate, parseAllowTags } from "../src/index.js";

/**
 * Patterns that make a backtracking engine take exponential time. A generous bound: the backtracking
 * implementation took 1.3 s on 28 characters and doubles with each one, so at these lengths it never returns.
 */
const CATASTROPHIC_REGEXPS: readonly [pattern: string, tag: string][] = [
  ["^([a-z0-9]+-?)+$", `${"a".repeat(40)}!`],
  ["^(a+)+$", `${"a".repeat(50)}b`],
  ["^(a|aa)+$", `${"a".repeat(62)}b`],
  ["^(\\d+)+\\.$", `${"1".repeat(42)}x`],
  ["^(a|a?)+$", `${"a".repeat(48)}c`],
];
const BOUND_MS = 500;

function elapsed(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

describe("regexp: patterns run on an RE2 engine", () => {
  it.each(CATASTROPHIC_REGEXPS)("allow-tags `regexp:%s` rejects a %#-th adversarial tag at once", (pattern, tag) => {
    const filters = createTagFilters(parseAllowTags(`regexp:${pattern}`, { key: "allow-tags" }).value, []);

    const time = elapsed(() => expect(filters.check(tag).kept).toBe(false));

    expect(time).toBeLessThan(BOUND_MS);
  });

  it("an adversarial extract pattern ranks 200 long tags at once", async () => {
    const tags = Array.from({ length: 200 }, (_, i) => `${"a".repeat(40 + (i % 20))}-${i}`);
    const start = performance.now();
    const decision = await decideUpdate({
      current: { tag: "aaaa-0" },
      tags: [...tags, `${"a".repeat(60)}!`],
      strategy: "numerical",
      extract: { pattern: "^((a+)+)-(\\d+)$", group: 3 },
    });

    expect(decision.kind).toBe("update");
    expect(performance.now() - start).toBeLessThan(BOUND_MS * 4);
  });

  it("property: agrees with a backtracking engine on small patterns, in bounded time on long inputs", () => {
    const atom = fc.constantFrom("a", "b", ".", "[ab]", "(a|b)", "(a|aa)", "(a+)", "(b*)");
    const quantified = fc.tuple(atom, fc.constantFrom("", "*", "+", "?")).map(([a, q]) => a + q);
    const pattern = fc
      .tuple(fc.boolean(), fc.array(quantified, { minLength: 1, maxLength: 6 }), fc.boolean())
      .map(([start, parts, end]) => `${start ? "^" : ""}${parts.join("")}${end ? "$" : ""}`);
    fc.assert(
      fc.property(pattern, fc.stringMatching(/^[abc]{0,8}$/), (source, text) => {
        const compiled = compilePattern(source).regexp;
        expect(compiled?.test(text)).toBe(new RegExp(source).test(text));
        const long = `${"a".repeat(60)}c`;
        expect(elapsed(() => compiled?.test(long))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 300 },
    );
  });
});

describe("globs run on a linear matcher", () => {
  it("`*a*a*a*a*a*a*a*a*a*a*a*a*b` against 100 characters does not block", () => {
    const glob = compileGlob("*a*a*a*a*a*a*a*a*a*a*a*a*b");

    const time = elapsed(() => {
      expect(glob.matches?.("a".repeat(100))).toBe(false);
      expect(glob.matches?.(`${"a".repeat(99)}b`)).toBe(true);
    });

    expect(time).toBeLessThan(BOUND_MS);
  });

  it("ignore-tags with a pathological glob checks 1 000 long tags at once", () => {
    const filters = createTagFilters({ kind: "any" }, [`${"*a".repeat(20)}*b`, "*?*?*?*?*?*?*?*?*?*?*?*?*?*?c"]);
    const tags = Array.from({ length: 1000 }, (_, i) => `${"a".repeat(100)}${i}`);

    const time = elapsed(() => expect(tags.filter((tag) => filters.check(tag).kept)).toHaveLength(1000));

    expect(time).toBeLessThan(BOUND_MS * 4);
  });

  /** Go's filepath.Match as a backtracking RegExp, safe for the short names below. */
  function oracle(pattern: string): RegExp {
    const source = pattern.replace(/[*?]|[^*?]/g, (c) => (c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c));
    return new RegExp(`^${source}$`);
  }

  it("property: agrees with a backtracking reference on `*`, `?`, `/` and literals, and stays fast on long names", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab/*?]{0,10}$/), fc.stringMatching(/^[ab/]{0,10}$/), (pattern, name) => {
        const glob = compileGlob(pattern);
        expect(glob.matches?.(name)).toBe(oracle(pattern).test(name));
        const long = "ab".repeat(100);
        expect(elapsed(() => glob.matches?.(long))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 500 },
    );
  });

  it("property: adversarial star patterns on 100-character names finish within the bound", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("*", "a", "?", "*a", "[a-z]"), { minLength: 5, maxLength: 40 }),
        fc.constantFrom("a", "b", "/"),
        (parts, tail) => {
          const glob = compileGlob(`${parts.join("")}b`);
          const name = `${"a".repeat(99)}${tail}`;
          expect(elapsed(() => glob.matches?.(name))).toBeLessThan(BOUND_MS);
        },
      ),
      { numRuns: 200 },
    );
  });
});
