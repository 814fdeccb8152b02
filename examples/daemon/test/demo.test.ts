import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoOutcome, runDemo } from "../src/demo/run-demo.js";

let root: string;
let outcome: DemoOutcome;
const printed: string[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "daemon-demo-"));
  outcome = await runDemo({ root, print: (line) => printed.push(line) });
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the demo", () => {
  it("runs the daemon once per push, every run succeeding", () => {
    expect(outcome.exitCodes).toEqual([0, 0, 0, 0]);
  });

  it("commits every build to staging on main, newest last", () => {
    expect(outcome.images["main:staging"]).toBe("docker.io/myorg/myapp:abc1234");
    expect(outcome.mainCommits.map((c) => c.message.split("\n")[0])).toEqual([
      "build: automatic update of myapp-staging",
      "build: automatic update of myapp-staging",
      "build: automatic update of myapp-staging",
      "build: automatic update of myapp-staging",
    ]);
    expect(outcome.mainCommits[0]?.message).toContain("tag '1.3.0' to 'abc1234'");
  });

  it("proposes the releases to production on branches, never the beta or the commit build", () => {
    expect(Object.keys(outcome.branches).sort()).toEqual([
      "image-update/myapp-1.2.3",
      "image-update/myapp-1.3.0",
      "main",
    ]);
    expect(outcome.images["image-update/myapp-1.3.0:production"]).toBe("docker.io/myorg/myapp:1.3.0");
    expect(outcome.images["main:production"]).toBe("docker.io/myorg/myapp:1.0.0");
  });

  it("tells the story", () => {
    const story = printed.join("\n");

    expect(story).toContain("CI pushed docker.io/myorg/myapp:1.2.4-beta");
    expect(story).toContain("Setting new image to docker.io/myorg/myapp:1.2.3");
    expect(story).toContain("1.2.4-beta reached production: no");
  });
});
