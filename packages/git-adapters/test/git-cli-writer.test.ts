import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { branchLog, commitToBare, readAt } from "@image-updater/conformance";
import type { CommitRequest } from "@image-updater/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mirrorKey } from "../src/git-cli/remote-url.js";
import { createCliGitWriter, type GitOperationEvent } from "../src/index.js";

const run = promisify(execFile);
const AUTHOR = { name: "image-updater", email: "bot@image-updater.test" };

let dir: string;
let bare: string;
let url: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "git-cli-writer-"));
  bare = join(dir, "deploy.git");
  url = `file://${bare}`;
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await commitToBare(bare, "main", { "README.md": "# deploy\n" }, "seed");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function appRequest(index: number, tag: string): CommitRequest {
  return {
    repository: { url },
    branch: "main",
    message: `build: automatic update of app-${index}`,
    author: AUTHOR,
    changes: [
      {
        type: "edit",
        path: `apps/app-${index}/.argocd-source-app-${index}.yaml`,
        apply: () => `helm:\n  parameters:\n  - name: image.tag\n    value: ${tag}\n    forcestring: true\n`,
      },
    ],
  };
}

describe("createCliGitWriter", () => {
  it("writes a batch of 100 applications as one commit, then reuses the mirror: one fetch, no clone", async () => {
    const operations: GitOperationEvent[] = [];
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache"), onOperation: (event) => operations.push(event) });
    const apps = Array.from({ length: 100 }, (_, index) => index);

    // What the engine sends for 100 applications of one branch: one request holding every change.
    const batch = (tag: string): CommitRequest => ({
      ...appRequest(0, tag),
      message: ["build: automatic update of 100 applications", ...apps.map((i) => appRequest(i, tag).message)].join(
        "\n\n",
      ),
      changes: apps.flatMap((i) => appRequest(i, tag).changes),
    });
    const first = await writer.commit(batch("1.0.0"));
    const firstOps = operations.splice(0).map((event) => event.operation);
    const second = await writer.commit(batch("1.0.1"));
    const secondOps = operations.splice(0).map((event) => event.operation);

    expect(first.sha).not.toBeNull();
    expect(second.sha).not.toBeNull();
    expect(firstOps).toEqual(["clone", "commit", "push"]);
    expect(secondOps).toEqual(["fetch", "commit", "push"]);
    const log = await branchLog(bare, "main");
    expect(log.map((commit) => commit.subject)).toEqual([
      "build: automatic update of 100 applications",
      "build: automatic update of 100 applications",
      "seed",
    ]);
    expect(log[0]?.body).toContain("build: automatic update of app-99");
    expect(await readAt(bare, "main", "apps/app-42/.argocd-source-app-42.yaml")).toContain("value: 1.0.1");
    await writer.dispose?.();
  });

  it("reads a view of 100 files with one ls-tree and one cat-file, whatever the number of reads", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`apps/app-${i}/deployment.yaml`] = `image: app:${i}\n`;
    await commitToBare(bare, "main", files, "fleet");
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache") });
    const view = await writer.openBranch({ url }, "main");
    const trace = join(dir, "trace.log");
    process.env.GIT_TRACE = trace;
    try {
      const texts = await Promise.all(
        Array.from({ length: 100 }, (_, i) => view?.readFile(`apps/app-${i}/deployment.yaml`)),
      );
      const listed = await Promise.all([
        view?.listFiles("apps/app-7"),
        view?.listFiles(""),
        view?.listFiles("apps/"),
        view?.listFiles("apps/app-7/deployment.yaml"),
        view?.listFiles("nope"),
      ]);
      const again = await view?.readFile("./apps/app-3/deployment.yaml");
      expect(texts).toEqual(Array.from({ length: 100 }, (_, i) => `image: app:${i}\n`));
      expect(listed[0]).toEqual(["apps/app-7/deployment.yaml"]);
      expect(listed[1]).toHaveLength(101);
      expect(listed[2]).toHaveLength(100);
      expect(listed[2]?.slice(0, 3)).toEqual([
        "apps/app-0/deployment.yaml",
        "apps/app-1/deployment.yaml",
        "apps/app-10/deployment.yaml",
      ]);
      expect(listed[3]).toEqual([]);
      expect(listed[4]).toEqual([]);
      expect(again).toBe("image: app:3\n");
      expect(await view?.readFile("apps/app-3")).toBeNull();
      expect(await view?.readFile("missing.yaml")).toBeNull();
    } finally {
      delete process.env.GIT_TRACE;
    }
    const commands = (await readFile(trace, "utf8")).split("\n").filter((line) => line.includes("trace: built-in:"));
    expect(commands.filter((line) => / ls-tree /.test(line))).toHaveLength(1);
    expect(commands.filter((line) => / cat-file /.test(line))).toHaveLength(1);
    await writer.dispose?.();
  });

  it("retries a push that lost a race: two fetches, two pushes, the other client's commit kept", async () => {
    const operations: string[] = [];
    let theirs: string | undefined;
    const writer = createCliGitWriter({
      cacheDir: join(dir, "cache"),
      onOperation: (event) => operations.push(`${event.operation}:${event.ok}`),
      async beforePush() {
        theirs ??= await commitToBare(bare, "main", { "other.txt": "x\n" }, "theirs");
      },
    });
    await run("git", ["--git-dir", bare, "config", "receive.denyNonFastForwards", "true"]);

    const result = await writer.commit(appRequest(1, "2.0.0"));

    expect(result.attempts).toBe(2);
    expect(operations).toEqual(["clone:true", "commit:true", "push:false", "fetch:true", "commit:true", "push:true"]);
    const log = await branchLog(bare, "main");
    expect(log.map((commit) => commit.sha).slice(1, 2)).toEqual([theirs]);
  });

  it("serialises concurrent commits to one repository: every commit lands at its first attempt", async () => {
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache") });

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) => writer.commit(appRequest(index, "3.0.0"))),
    );

    expect(results.map((result) => result.attempts)).toEqual([1, 1, 1, 1, 1]);
    expect(await branchLog(bare, "main")).toHaveLength(6);
  });

  it("serialises two writers sharing a cache directory through the lock file", async () => {
    const cacheDir = join(dir, "cache");
    const writers = [createCliGitWriter({ cacheDir }), createCliGitWriter({ cacheDir })];

    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => writers[index % 2]!.commit(appRequest(index, "4.0.0"))),
    );

    expect(results.every((result) => result.sha !== null)).toBe(true);
    expect(await branchLog(bare, "main")).toHaveLength(7);
  });

  it("waits for a lock held by a live process, then takes over once that process is gone", async () => {
    const cacheDir = join(dir, "cache");
    await mkdir(cacheDir, { recursive: true });
    const holder = spawn("sleep", ["30"]);
    const lockPath = join(cacheDir, `${mirrorKey(url)}.lock`);
    await writeFile(lockPath, `${holder.pid}@${(await import("node:os")).hostname()}\n`);
    const writer = createCliGitWriter({ cacheDir, lockTimeoutMs: 300 });

    await expect(writer.commit(appRequest(1, "5.0.0"))).rejects.toMatchObject({
      code: "GIT_UNAVAILABLE",
      retryable: true,
    });
    const exited = new Promise((resolve) => holder.once("exit", resolve));
    holder.kill();
    await exited;
    const result = await writer.commit(appRequest(1, "5.0.0"));

    expect(result.sha).not.toBeNull();
  });

  it("keeps the mirror bare, with the remote URL and no credential in its config", async () => {
    const cacheDir = join(dir, "cache");
    const writer = createCliGitWriter({ cacheDir });

    await writer.commit(appRequest(1, "6.0.0"));

    const entries = await readdir(cacheDir);
    expect(entries).toEqual([`${mirrorKey(url)}.git`]);
    const config = await readFile(join(cacheDir, entries[0]!, "config"), "utf8");
    expect(config).toContain(`url = ${url}`);
    expect(config).not.toMatch(/credential|extraheader|password/i);
  });

  it.each([
    ["a password in the URL", { url: "https://bot:hunter2-secret@127.0.0.1:1/deploy.git" }],
    [
      "https credentials",
      {
        url: "https://127.0.0.1:1/deploy.git",
        credentials: { kind: "https" as const, username: "bot", password: "hunter2-secret" },
      },
    ],
  ])("rejects GIT_UNAVAILABLE for an unreachable remote without printing %s", async (_, repository) => {
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache") });

    const error = await writer.openBranch(repository, "main").catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      code: "GIT_UNAVAILABLE",
      retryable: true,
      repoUrl: "https://127.0.0.1:1/deploy.git",
    });
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain("hunter2-secret");
    expect(String((error as Error).cause)).not.toContain("hunter2-secret");
  });

  it("re-applies an edit on the new tip when the same file changed under it", async () => {
    const writer = createCliGitWriter({
      cacheDir: join(dir, "cache"),
      async beforePush({ attempt }) {
        if (attempt === 1)
          await commitToBare(bare, "main", { "README.md": "# deploy\nline from someone else\n" }, "theirs");
      },
    });

    await writer.commit({
      repository: { url },
      branch: "main",
      message: "append",
      author: AUTHOR,
      changes: [{ type: "edit", path: "README.md", apply: (text) => `${text ?? ""}line from us\n` }],
    });

    expect(await readAt(bare, "main", "README.md")).toBe("# deploy\nline from someone else\nline from us\n");
  });
});
