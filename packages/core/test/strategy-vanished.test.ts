import { describe, expect, it } from "vitest";
import { decideUpdate } from "../src/index.js";

describe("every strategy: a running tag the registry no longer lists", () => {
  it.each([
    ["semver", "1.5.0", ["1.3.0", "1.4.0"]],
    ["alphabetical", "release-c", ["release-a", "release-b"]],
    ["numerical", "50", ["30", "40"]],
  ])("%s never moves below the vanished %s, and reports it", async (strategy, running, tags) => {
    const guarded = await decideUpdate({ current: { tag: running }, strategy, tags });
    const allowed = await decideUpdate({ current: { tag: running }, strategy, tags, allowDowngrade: true });

    expect(guarded).toMatchObject({ kind: "none", vanished: running });
    expect(guarded.considered.map((entry) => entry.reason)).toEqual(["downgrade", "downgrade"]);
    expect(guarded.warnings).toEqual([expect.objectContaining({ setting: "current" })]);
    expect(allowed).toMatchObject({ kind: "update", tag: tags[1], vanished: running });
  });

  it("still moves up from a vanished tag when a newer one exists", async () => {
    const decision = await decideUpdate({ current: { tag: "1.5.0" }, strategy: "semver", tags: ["1.4.0", "1.6.0"] });

    expect(decision).toMatchObject({ kind: "update", tag: "1.6.0", vanished: "1.5.0" });
  });
});
