import { describe, expect, it } from "vitest";
import { createPushPriority } from "../src/engine/push-priority.js";

describe("createPushPriority", () => {
  it("puts what gave up last time first, keeping the order of the rest, until it succeeds", () => {
    const priority = createPushPriority();
    const repos = ["a", "b", "c", "d"];

    expect(priority.order(repos, (r) => r)).toEqual(["a", "b", "c", "d"]);
    priority.record("c", true);
    priority.record("a", false);
    expect(priority.order(repos, (r) => r)).toEqual(["c", "a", "b", "d"]);
    priority.record("c", false);
    expect(priority.order(repos, (r) => r)).toEqual(["a", "b", "c", "d"]);
  });
});
