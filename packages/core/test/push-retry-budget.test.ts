import { describe, expect, it } from "vitest";
import {
  type Application,
  createMemoryGitWriter,
  createMemoryRegistry,
  createMemorySource,
  createPushRetryBudget,
  createUpdater,
  type WritebackGaveUpEvent,
} from "../src/index.js";

describe("createPushRetryBudget", () => {
  it("grants perGroup retries for every group plus one spare share, then refuses", () => {
    const budget = createPushRetryBudget(2, 3);
    const taken = Array.from({ length: 10 }, () => budget.take());

    expect(taken.filter(Boolean)).toHaveLength(8);
    expect(taken.slice(8)).toEqual([false, false]);
    expect(budget.remaining).toBe(0);
    expect(createPushRetryBudget(0, 5).take()).toBe(false);
  });
});

const PREFIX = "argocd-image-updater.argoproj.io";
const REPO = "https://git.example.test/org/deploy.git";
const deployment = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: docker.io/org/web:${tag}\n`;
const web: Application = {
  namespace: "argocd",
  name: "web",
  labels: {},
  annotations: { [`${PREFIX}/image-list`]: "web=docker.io/org/web", [`${PREFIX}/write-back-method`]: "git" },
  spec: { source: { repoURL: REPO, path: "web", targetRevision: "main" } },
};

describe("the engine's push retry budget", () => {
  it("with no retries granted, a lost race gives up at once: one writeback:gave-up naming the budget", async () => {
    const git = createMemoryGitWriter();
    git.seed(REPO, { "web/deployment.yaml": deployment("1.0.0") });
    git.injectRace(REPO, "main", { "NOTES.md": "theirs\n" }, "notes: theirs");
    const updater = createUpdater({
      source: createMemorySource({ applications: [web] }),
      registry: createMemoryRegistry({
        images: [
          { registry: "docker.io", repository: "org/web", tags: ["1.0.0"], createdAt: "2026-01-01T00:00:00Z" },
          { registry: "docker.io", repository: "org/web", tags: ["1.1.0"], createdAt: "2026-02-01T00:00:00Z" },
        ],
      }),
      git,
      pushRetriesPerGroup: 0,
    });
    const gaveUp: WritebackGaveUpEvent[] = [];
    updater.on("writeback:gave-up", (event) => gaveUp.push(event));

    const result = await updater.runOnce();
    await updater.dispose();

    expect(gaveUp).toMatchObject([{ repoUrl: REPO, branch: "main", attempts: 1, limit: "budget", budgetRemaining: 0 }]);
    expect(result.results[0]).toMatchObject({ writeBack: "failed" });
    expect(
      git
        .remote(REPO)
        .log("main")
        .map((commit) => commit.subject),
    ).toEqual(["notes: theirs", expect.any(String)]);
  });

  it("refuses a pushRetriesPerGroup that is not a whole number of at least 0", () => {
    const options = {
      source: createMemorySource({ applications: [] }),
      registry: createMemoryRegistry({ images: [] }),
    };
    expect(() => createUpdater({ ...options, pushRetriesPerGroup: -1 })).toThrow(/pushRetriesPerGroup/);
    expect(() => createUpdater({ ...options, pushRetriesPerGroup: 1.5 })).toThrow(/pushRetriesPerGroup/);
  });
});
