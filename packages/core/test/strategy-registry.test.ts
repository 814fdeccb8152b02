import { describe, expect, it } from "vitest";
import {
  createSemverStrategy,
  createStrategyRegistry,
  decideUpdate,
  isImageUpdaterError,
  toDecisionJson,
  type UpdateStrategy,
} from "../src/index.js";

/** A user strategy: the longest tag wins. */
const longest: UpdateStrategy = {
  name: "longest",
  aliases: ["long"],
  needsMetadata: false,
  prepare: () => ({
    evaluate: (candidate) => (candidate.tag === "" ? { kept: false, reason: "unparsable" } : { kept: true }),
    compare: (a, b) => a.value.length - b.value.length || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0),
    explain: (winner) => `${winner.tag} is the longest tag`,
  }),
};

describe("createStrategyRegistry", () => {
  it("holds the built-ins and resolves aliases case-insensitively", () => {
    const registry = createStrategyRegistry();

    expect(registry.names()).toEqual(["alphabetical", "digest", "newest-build", "numerical", "semver"]);
    expect(registry.get("latest")?.name).toBe("newest-build");
    expect(registry.get("Name")?.name).toBe("alphabetical");
    expect(registry.get(" SEMVER ")?.name).toBe("semver");
    expect(registry.get("unknown")).toBeUndefined();
  });

  it("runs a registered user strategy through the whole pipeline", async () => {
    const registry = createStrategyRegistry();
    registry.register(longest);

    const decision = await decideUpdate({
      current: { tag: "abc" },
      strategy: "LONG",
      registry,
      ignoreTags: ["zzzzzzzz"],
      tags: ["abc", "abcdef", "zzzzzzzz", "ab"],
    });

    expect(decision).toMatchObject({ kind: "update", strategy: "longest", tag: "abcdef" });
    expect(decision.winner?.why).toBe("abcdef is the longest tag");
  });

  it("refuses a taken name unless asked to replace, and replacing drops the old aliases", () => {
    const registry = createStrategyRegistry();

    expect(() => registry.register({ ...longest, name: "semver" })).toThrow(TypeError);
    expect(() => registry.register({ ...longest, name: "other", aliases: ["latest"] })).toThrow(/latest/);
    registry.register({ ...longest, name: "newest-build", aliases: [] }, { replace: true });
    expect(registry.get("newest-build")?.needsMetadata).toBe(false);
    expect(registry.get("latest")).toBeUndefined();
  });

  it.each(["", "Has Space", "ünïcode", "-leading"])("refuses the name %j", (name) => {
    expect(() => createStrategyRegistry().register({ ...longest, name })).toThrow(TypeError);
  });

  it("keeps registries independent", () => {
    const one = createStrategyRegistry();
    const two = createStrategyRegistry({ builtins: false, strategies: [createSemverStrategy()] });
    one.register(longest);

    expect(two.get("longest")).toBeUndefined();
    expect(two.names()).toEqual(["semver"]);
    expect(createStrategyRegistry().get("longest")).toBeUndefined();
  });

  it("reports an unknown strategy as CONFIG_INVALID, listing the known ones", async () => {
    const decision = await decideUpdate({ current: null, strategy: "newest", tags: ["1"] });

    expect(isImageUpdaterError(decision.error, "CONFIG_INVALID")).toBe(true);
    expect(decision.message).toBe(
      "unknown update strategy `newest`; use one of alphabetical, digest, newest-build, numerical, semver",
    );
  });

  it("turns a user strategy that throws while preparing into an error decision", async () => {
    const registry = createStrategyRegistry({
      strategies: [
        {
          name: "explodes",
          needsMetadata: false,
          prepare: () => {
            throw new Error("no");
          },
        },
      ],
    });

    const decision = await decideUpdate({ current: null, strategy: "explodes", registry, tags: ["1"] });

    expect(decision.kind).toBe("error");
    expect(decision.message).toContain("failed to start");
  });

  it("survives a user strategy that throws", async () => {
    const registry = createStrategyRegistry({
      strategies: [
        {
          name: "broken",
          needsMetadata: false,
          prepare: () => ({
            evaluate: (candidate) => {
              if (candidate.tag === "bad") throw new Error("cannot read");
              return { kept: true };
            },
            compare: () => {
              throw new Error("cannot compare");
            },
            explain: () => {
              throw new Error("cannot explain");
            },
          }),
        },
      ],
    });

    const decision = await decideUpdate({ current: null, strategy: "broken", registry, tags: ["bad", "good"] });

    expect(decision).toMatchObject({ kind: "update", tag: "good", winner: { why: "good ranks highest" } });
    expect(decision.considered[0]).toMatchObject({ kept: false, reason: "unparsable" });
  });
});

describe("toDecisionJson", () => {
  it("gives the daemon's `test --output json` shape", async () => {
    const decision = await decideUpdate({
      current: { tag: "1.0.0" },
      strategy: "semver",
      constraint: "^1.0",
      tags: ["1.0.0", "1.1.0", "2.0.0"],
    });

    expect(JSON.parse(JSON.stringify(toDecisionJson("ghcr.io/org/app", decision)))).toEqual({
      image: "ghcr.io/org/app",
      strategy: "semver",
      kind: "update",
      tag: "1.1.0",
      digest: null,
      tagsFound: 3,
      considered: [
        { tag: "1.0.0", kept: true, reason: "allowed", why: "kept: passed every filter and the strategy" },
        { tag: "1.1.0", kept: true, reason: "allowed", why: "kept: passed every filter and the strategy" },
        {
          tag: "2.0.0",
          kept: false,
          reason: "constraint",
          why: "dropped: outside the version constraint (outside `^1.0`)",
        },
      ],
      message: "update to 1.1.0: 1.1.0 is the highest version satisfying `^1.0` among 2 candidates",
      warnings: [],
    });
  });

  it("says in words why each tag was dropped and carries the settings warnings", async () => {
    const decision = await decideUpdate({
      current: null,
      strategy: "semver",
      ignoreTags: ["[", "*-rc"],
      tags: ["1.0.0", "2.0.0-rc", "beta"],
    });

    const json = toDecisionJson("nginx", decision);

    expect(json.considered.map((c) => c.why)).toEqual([
      "kept: passed every filter and the strategy",
      "dropped: ignored by ignore-tags (matches `*-rc`)",
      "dropped: the strategy cannot read it (`beta` is not a semantic version)",
    ]);
    expect(json.warnings).toEqual([expect.stringMatching(/^ignore-tags: .*this entry ignores nothing$/)]);
  });

  it("keeps error decisions serialisable", async () => {
    const decision = await decideUpdate({ current: null, strategy: "semver", constraint: "latest", tags: ["1"] });

    expect(JSON.parse(JSON.stringify(toDecisionJson("nginx", decision)))).toMatchObject({
      kind: "error",
      tag: null,
      considered: [],
    });
  });
});
