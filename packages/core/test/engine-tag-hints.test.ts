import { describe, expect, it } from "vitest";
import { listAwaitingHints } from "../src/engine/tag-hints.js";

/** A registry that links the pushed tag after `linkedAfter` listings, as Distribution does after notifying. */
function linkingRegistry(linkedAfter: number) {
  const calls: boolean[] = [];
  const list = async (fresh: boolean) => {
    calls.push(fresh);
    return calls.length > linkedAfter ? ["1.0.0", "1.1.0"] : ["1.0.0"];
  };
  return { calls, list };
}

describe("listAwaitingHints", () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };

  it("lists once when the hinted tag is already there", async () => {
    const registry = linkingRegistry(0);
    expect(await listAwaitingHints(registry.list, new Set(["1.1.0"]), { sleep })).toEqual(["1.0.0", "1.1.0"]);
    expect(registry.calls).toEqual([false]);
  });

  it("looks again, afresh, after a short pause when the hinted tag is not linked yet", async () => {
    waits.length = 0;
    const registry = linkingRegistry(1);
    expect(await listAwaitingHints(registry.list, new Set(["1.1.0"]), { sleep })).toContain("1.1.0");
    expect(registry.calls).toEqual([false, true]);
    expect(waits).toEqual([50]);
  });

  it("gives up after the bounded back-off on a tag the registry never lists", async () => {
    waits.length = 0;
    const registry = linkingRegistry(Number.POSITIVE_INFINITY);
    expect(await listAwaitingHints(registry.list, new Set(["9.9.9"]), { sleep })).toEqual(["1.0.0"]);
    expect(registry.calls).toEqual([false, true, true, true, true, true, true]);
    expect(waits).toEqual([50, 100, 200, 400, 800, 1600]);
  });

  it("does not wait without hints", async () => {
    const registry = linkingRegistry(Number.POSITIVE_INFINITY);
    await listAwaitingHints(registry.list, new Set(), { sleep });
    expect(registry.calls).toEqual([false]);
  });

  it("stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    const registry = linkingRegistry(Number.POSITIVE_INFINITY);
    const abortingSleep = async () => controller.abort();
    await listAwaitingHints(registry.list, new Set(["9.9.9"]), { sleep: abortingSleep, signal: controller.signal });
    expect(registry.calls).toEqual([false, true]);
  });
});
