/**
 * A push that a foreign writer beats at every attempt gives up once the cycle's retry budget is spent: an
 * event and the daemon's metric say so, no foreign commit is lost, and the next cycle writes that branch
 * first and lands. The engine and the git CLI writer against a real git http-backend; the foreign writer is
 * a second git client pushing over HTTP.
 */
import {
  createBareRepo,
  type ForeignGitWriter,
  type GitHttpServer,
  gitCommitExternal,
  readBranchFiles,
  readBranchLog,
  removeTempDir,
  startForeignGitWriter,
  startGitHttpServer,
  tempDir,
} from "@image-updater/bench";
import {
  type Application,
  createMemoryRegistry,
  createUpdater,
  type WritebackFailedEvent,
  type WritebackGaveUpEvent,
} from "@image-updater/core";
import { createCliGitWriter, type GitOperationEvent } from "@image-updater/git-adapters";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDaemonMetrics } from "../src/metrics/metrics.js";

const PREFIX = "argocd-image-updater.argoproj.io";

const deployment = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;

function application(name: string, repoURL: string, branch: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: `app=docker.io/org/${name}`,
      [`${PREFIX}/write-back-method`]: "git",
    },
    spec: { source: { repoURL, path: name, targetRevision: branch } },
  };
}

const registry = (tags: Readonly<Record<string, readonly string[]>>) =>
  createMemoryRegistry({
    images: Object.entries(tags).flatMap(([name, list]) =>
      list.map((tag, index) => ({
        registry: "docker.io",
        repository: `org/${name}`,
        tags: [tag],
        createdAt: new Date(Date.UTC(2026, index, 1)).toISOString(),
      })),
    ),
  });

let server: GitHttpServer;
let other: ForeignGitWriter | undefined;
const cacheDir = tempDir("push-give-up-cache");
beforeAll(async () => {
  server = await startGitHttpServer();
});
afterAll(async () => {
  await other?.stop();
  await server?.stop();
  await removeTempDir(cacheDir);
});

it("gives up a raced push when the budget is spent, counts it, and writes that branch first next cycle", async () => {
  const files = { "quiet/deployment.yaml": deployment("docker.io/org/quiet:1.0.0") };
  const bare = await createBareRepo(server.root, "race", files);
  await gitCommitExternal(
    bare,
    "stable",
    { "raced/deployment.yaml": deployment("docker.io/org/raced:1.0.0") },
    "stable",
  );
  const url = server.repoUrl("race");
  other = await startForeignGitWriter({ url, branch: "stable" });
  const foreign = other;
  let racing = true;
  const pushes: GitOperationEvent[] = [];
  const git = createCliGitWriter({
    cacheDir,
    retryDelayMs: 10,
    onOperation: (event) => {
      if (event.operation === "push") pushes.push(event);
    },
    async beforePush({ branch }) {
      if (racing && branch === "stable") await foreign.push();
    },
  });
  const metrics = createDaemonMetrics({ processMetrics: false });
  // "quiet" (main) is listed first, so it is written first unless a give-up says otherwise.
  const applications = [application("quiet", url, "main"), application("raced", url, "stable")];
  const cycle = async (tags: Readonly<Record<string, readonly string[]>>) => {
    const updater = createUpdater({
      source: { id: "test", list: async () => applications },
      registry: registry(tags),
      git,
      pushRetriesPerGroup: 1,
    });
    metrics.observe(updater);
    const gaveUp: WritebackGaveUpEvent[] = [];
    const failed: WritebackFailedEvent[] = [];
    updater.on("writeback:gave-up", (event) => gaveUp.push(event));
    updater.on("writeback:failed", (event) => failed.push(event));
    const result = await updater.runOnce();
    await updater.dispose();
    return { result, gaveUp, failed };
  };

  const first = await cycle({ quiet: ["1.0.0", "1.1.0"], raced: ["1.0.0", "1.1.0"] });

  // Two groups with one retry each plus a spare share: three retries, then the fourth lost race gives up.
  expect(first.gaveUp).toEqual([
    {
      runId: first.result.runId,
      repoUrl: url,
      branch: "stable",
      applications: [{ namespace: "argocd", name: "raced" }],
      attempts: 4,
      limit: "budget",
      budgetRemaining: 0,
    },
  ]);
  expect(first.failed).toMatchObject([{ branch: "stable", error: { code: "GIT_CONFLICT" } }]);
  expect(await metrics.text()).toContain(`argocd_image_updater_git_push_gave_up_total{repository="${url}"} 1`);
  const stableLog = await readBranchLog(bare, "stable");
  expect(stableLog.slice(0, 4).map((commit) => commit.sha)).toEqual([...foreign.pushed].reverse());
  expect(pushes.map((push) => `${push.branch}:${push.ok}`)).toEqual([
    "main:true",
    "stable:false",
    "stable:false",
    "stable:false",
    "stable:false",
  ]);

  racing = false;
  pushes.length = 0;
  const second = await cycle({ quiet: ["1.0.0", "1.1.0", "1.2.0"], raced: ["1.0.0", "1.1.0"] });

  expect(second.gaveUp).toEqual([]);
  expect(second.result.errors).toBe(0);
  expect(pushes.map((push) => `${push.branch}:${push.ok}`)).toEqual(["stable:true", "main:true"]);
  const landed = await readBranchLog(bare, "stable");
  expect(landed[0]?.authorEmail).toBe("noreply@argoproj.io");
  expect(landed.slice(1, 5).map((commit) => commit.sha)).toEqual([...foreign.pushed].reverse());
  expect((await readBranchFiles(bare, "stable"))["raced/deployment.yaml"]).toBe(
    deployment("docker.io/org/raced:1.1.0"),
  );
  expect((await readBranchFiles(bare, "main"))["quiet/deployment.yaml"]).toBe(deployment("docker.io/org/quiet:1.2.0"));
  expect(await metrics.text()).toContain(`argocd_image_updater_git_push_gave_up_total{repository="${url}"} 1`);
}, 180_000);
