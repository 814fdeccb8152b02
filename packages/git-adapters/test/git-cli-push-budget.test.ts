/**
 * The cycle's shared push retry budget over the git CLI against a real git http-backend, with a foreign
 * writer (its own clone, pushing over HTTP) that lands a commit before every one of our pushes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBareRepo,
  type ForeignGitWriter,
  type GitHttpServer,
  readBranchFiles,
  readBranchLog,
  startForeignGitWriter,
  startGitHttpServer,
} from "@image-updater/bench";
import { type CommitRequest, createPushRetryBudget, PushGaveUpError } from "@image-updater/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCliGitWriter, type GitOperationEvent } from "../src/index.js";

const AUTHOR = { name: "image-updater", email: "bot@image-updater.test" };

let server: GitHttpServer;
let cache: string;
const foreign: ForeignGitWriter[] = [];
beforeAll(async () => {
  server = await startGitHttpServer();
  cache = await mkdtemp(join(tmpdir(), "git-cli-push-budget-"));
});
afterEach(async () => {
  await Promise.all(foreign.splice(0).map((writer) => writer.stop()));
});
afterAll(async () => {
  await server?.stop();
  await rm(cache, { recursive: true, force: true });
});

function request(url: string, tag: string, retryBudget: CommitRequest["retryBudget"]): CommitRequest {
  return {
    repository: { url },
    branch: "main",
    message: `build: automatic update to ${tag}`,
    author: AUTHOR,
    changes: [{ type: "write", path: "app/values.yaml", contents: `tag: ${tag}\n` }],
    ...(retryBudget === undefined ? {} : { retryBudget }),
  };
}

async function served(name: string) {
  const bare = await createBareRepo(server.root, name, { "app/values.yaml": "tag: 1.0.0\n" });
  return { bare, url: server.repoUrl(name) };
}

describe("push retries drawn from a shared budget", () => {
  it("a continuously raced push spends the budget and gives up before the writer's own limit, losing no foreign commit", async () => {
    const racing = await served("budget-racing");
    const quiet = await served("budget-quiet");
    const other = await startForeignGitWriter({ url: racing.url, branch: "main" });
    foreign.push(other);
    const operations: GitOperationEvent[] = [];
    const writer = createCliGitWriter({
      cacheDir: join(cache, "spent"),
      maxAttempts: 5,
      retryDelayMs: 10,
      onOperation: (event) => operations.push(event),
      async beforePush({ repoUrl }) {
        if (repoUrl === racing.url) await other.push();
      },
    });
    // Two groups with one retry each, plus the spare share: three retries for the whole cycle.
    const budget = createPushRetryBudget(1, 2);

    const error = await writer.commit(request(racing.url, "1.1.0", budget)).catch((caught: unknown) => caught);
    const quietResult = await writer.commit(request(quiet.url, "1.1.0", budget));
    await writer.dispose?.();

    expect(error).toBeInstanceOf(PushGaveUpError);
    expect(error).toMatchObject({ code: "GIT_CONFLICT", retryable: true, attempts: 4, limit: "budget" });
    expect((error as Error).message).toContain("push retry budget is spent");
    expect(budget.remaining).toBe(0);
    // Every foreign commit is on the branch, in order, at its tip; ours is not, and nothing was forced.
    const log = await readBranchLog(racing.bare, "main");
    expect(other.pushed).toHaveLength(4);
    expect(log.slice(0, 4).map((commit) => commit.sha)).toEqual([...other.pushed].reverse());
    expect(log.map((commit) => commit.authorEmail)).not.toContain(AUTHOR.email);
    expect((await readBranchFiles(racing.bare, "main"))["app/values.yaml"]).toBe("tag: 1.0.0\n");
    // A push that wins its first race needs no retry: an empty budget never blocks it.
    expect(quietResult).toMatchObject({ attempts: 1 });
    expect((await readBranchFiles(quiet.bare, "main"))["app/values.yaml"]).toBe("tag: 1.1.0\n");
    const pushes = operations.filter((event) => event.operation === "push");
    expect(pushes.map((event) => [event.repoUrl === racing.url ? "racing" : "quiet", event.ok])).toEqual([
      ["racing", false],
      ["racing", false],
      ["racing", false],
      ["racing", false],
      ["quiet", true],
    ]);
  }, 120_000);

  it("a budget with retries left lets a raced push retry until it lands, keeping the foreign commits", async () => {
    const racing = await served("budget-left");
    const other = await startForeignGitWriter({ url: racing.url, branch: "main" });
    foreign.push(other);
    const writer = createCliGitWriter({
      cacheDir: join(cache, "left"),
      retryDelayMs: 10,
      async beforePush({ attempt }) {
        if (attempt <= 2) await other.push();
      },
    });
    const budget = createPushRetryBudget(2, 1);

    const result = await writer.commit(request(racing.url, "1.2.0", budget));
    await writer.dispose?.();

    expect(result).toMatchObject({ attempts: 3 });
    expect(budget.remaining).toBe(2);
    const log = await readBranchLog(racing.bare, "main");
    expect(log[0]?.sha).toBe(result.sha);
    expect(log.slice(1, 3).map((commit) => commit.sha)).toEqual([...other.pushed].reverse());
  }, 120_000);
});
