import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  BENCH_GIT_AUTHOR,
  benchGitEnv,
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  gitCommitExternal,
  readBranchFiles,
  readBranchLog,
  startGitHttpServer,
  tempDir,
} from "../src/index.js";

const exec = promisify(execFile);

function git(args: string[], cwd?: string, env: NodeJS.ProcessEnv = {}) {
  return exec("git", args, { cwd, env: benchGitEnv(env), maxBuffer: 16 * 1024 * 1024 });
}

/** Settles a command without leaving a rejection unhandled while other awaits run. */
function outcome(promise: Promise<{ stderr: string }>): Promise<{ ok: boolean; stderr: string }> {
  return promise.then(
    (result) => ({ ok: true, stderr: result.stderr }),
    (error: { stderr?: string }) => ({ ok: false, stderr: error.stderr ?? "" }),
  );
}

async function commitAndPush(
  work: string,
  file: string,
  contents: string,
  message: string,
  env: NodeJS.ProcessEnv = {},
) {
  await mkdir(join(work, file, ".."), { recursive: true });
  await writeFile(join(work, file), contents);
  await git(["add", "-A"], work);
  await git(["commit", "-q", "-m", message], work);
  await git(["push", "-q", "origin", "HEAD:main"], work, env);
}

/** git config through the environment, so the credential never sits on a command line. */
function extraHeaderEnv(header: string): NodeJS.ProcessEnv {
  return { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: header };
}

let server: GitHttpServer | undefined;
afterEach(async () => {
  await server?.stop();
});
afterAll(cleanupBench);

// Real services can be slow on a loaded machine: generous timeouts, and no timing assertions.
describe("repo helpers", { timeout: 120_000 }, () => {
  it("createBareRepo() commits the files on the branch; readBranchFiles() and readBranchLog() read them back", async () => {
    const root = tempDir("repo-helpers");

    const bare = await createBareRepo(
      root,
      "org/deploy",
      { "apps/web/values.yaml": "image:\n  tag: 1.0.0\n", "README.md": "hi\n" },
      { branch: "prod", message: "seed\n\nwith a body" },
    );
    const files = await readBranchFiles(bare, "prod");
    const log = await readBranchLog(bare, "prod");
    const head = (await git(["--git-dir", bare, "symbolic-ref", "HEAD"])).stdout.trim();

    expect(bare).toBe(join(root, "org/deploy.git"));
    expect(files).toEqual({ "apps/web/values.yaml": "image:\n  tag: 1.0.0\n", "README.md": "hi\n" });
    expect(log).toEqual([
      {
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
        subject: "seed",
        body: "with a body",
        authorName: BENCH_GIT_AUTHOR.name,
        authorEmail: BENCH_GIT_AUTHOR.email,
      },
    ]);
    expect(head).toBe("refs/heads/prod");
  });

  it("gitCommitExternal() pushes another writer's commit, deleting with null", async () => {
    const root = tempDir("repo-helpers");
    const bare = await createBareRepo(root, "deploy", { "a.txt": "a\n", "b.txt": "b\n" });

    const sha = await gitCommitExternal(bare, "main", { "a.txt": "changed\n", "b.txt": null }, "external change");
    const other = await gitCommitExternal(bare, "feature", { "c.txt": "c\n" }, "new branch");
    const log = await readBranchLog(bare, "main");

    expect(await readBranchFiles(bare, "main")).toEqual({ "a.txt": "changed\n" });
    expect(await readBranchFiles(bare, "feature")).toEqual({ "a.txt": "changed\n", "c.txt": "c\n" });
    expect(log.map((commit) => [commit.sha, commit.subject, commit.authorName])).toEqual([
      [sha, "external change", "External Writer"],
      [expect.any(String), "initial commit", BENCH_GIT_AUTHOR.name],
    ]);
    expect(other).not.toBe(sha);
  });
});

describe("startGitHttpServer() without auth", { timeout: 120_000 }, () => {
  it("clones with protocol v2, pushes a commit and a chunked 2 MB file, read back with git", async () => {
    server = await startGitHttpServer();
    const bare = await createBareRepo(server.root, "deploy", { "values.yaml": "tag: 1.0.0\n" });
    const work = join(tempDir("http-clone"), "w");

    const clone = await git(["clone", server.repoUrl("deploy"), work], undefined, { GIT_TRACE_PACKET: "1" });
    await commitAndPush(work, "values.yaml", "tag: 1.1.0\n", "bump to 1.1.0");
    await commitAndPush(work, "blob.bin", randomBytes(2 * 1024 * 1024).toString("base64"), "big file");
    const files = await readBranchFiles(bare, "main");

    expect(clone.stderr).toContain("git< version 2");
    expect(server.requests[0]?.gitProtocol).toBe("version=2");
    expect(server.requests.some((request) => request.service === "git-receive-pack" && request.chunked)).toBe(true);
    expect(files["values.yaml"]).toBe("tag: 1.1.0\n");
    expect(files["blob.bin"]).toBe(await readFile(join(work, "blob.bin"), "utf8"));
    expect((await readBranchLog(bare, "main")).map((commit) => commit.subject)).toEqual([
      "big file",
      "bump to 1.1.0",
      "initial commit",
    ]);
    expect(
      server.requests.filter((request) => request.service === "git-receive-pack" && request.method === "POST").length,
    ).toBeGreaterThanOrEqual(2);
    expect(server.requests.every((request) => request.user === "anonymous" && request.status === 200)).toBe(true);
  });

  it("serves a fetch whose request body git gzips", async () => {
    server = await startGitHttpServer();
    const bare = await createBareRepo(server.root, "many-branches", { "a.txt": "a\n" });
    // 60 unrelated commits on 60 tags: the clone's want lines pass 1 KiB, and git gzips such requests.
    const stream = Array.from(
      { length: 60 },
      (_, i) =>
        `commit refs/tags/t${i}\ncommitter B <b@example.invalid> 0 +0000\ndata 3\nc${i % 10}\nM 644 inline f.txt\ndata 4\n${String(i).padStart(3, "0")}\n\n`,
    ).join("");
    const importing = exec("git", ["--git-dir", bare, "fast-import", "--quiet"], { env: benchGitEnv() });
    importing.child.stdin?.end(stream);
    await importing;
    const work = join(tempDir("http-gzip"), "w");

    await git(["clone", "-q", "--no-single-branch", server.repoUrl("many-branches"), work]);
    const tags = await git(["tag", "--list"], work);

    expect(tags.stdout.trim().split("\n")).toHaveLength(60);
    expect(server.requests.filter((request) => request.contentEncoding === "gzip").length).toBeGreaterThan(0);
  });
});

describe("startGitHttpServer({ auth })", { timeout: 120_000 }, () => {
  const auth = { username: "bot", password: "s3cret-pass" };
  const basic = `Authorization: Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;

  it("refuses clone and push without the right credentials", async () => {
    server = await startGitHttpServer({ auth });
    await createBareRepo(server.root, "deploy", { "values.yaml": "tag: 1.0.0\n" });
    const dir = tempDir("http-refused");
    const wrongUrl = server.repoUrl("deploy").replace("http://", "http://bot:wrong@");

    const anonymous = await outcome(git(["clone", server.repoUrl("deploy"), join(dir, "a")]));
    const wrong = await outcome(git(["clone", wrongUrl, join(dir, "b")]));

    expect(anonymous).toEqual({ ok: false, stderr: expect.stringMatching(/terminal prompts disabled/) });
    expect(wrong).toEqual({ ok: false, stderr: expect.stringMatching(/Authentication failed/) });
    expect(server.requests.every((request) => request.status === 401)).toBe(true);
  });

  it("serves clone and push with basic auth, read back with git", async () => {
    server = await startGitHttpServer({ auth });
    const bare = await createBareRepo(server.root, "deploy", { "values.yaml": "tag: 1.0.0\n" });
    const work = join(tempDir("http-auth"), "w");

    await git(["clone", "-q", server.repoUrl("deploy"), work], undefined, extraHeaderEnv(basic));
    await commitAndPush(work, "values.yaml", "tag: 2.0.0\n", "bump to 2.0.0", extraHeaderEnv(basic));
    const refusedPush = await outcome(git(["push", "origin", "HEAD:refs/heads/other"], work));

    expect(await readBranchFiles(bare, "main")).toEqual({ "values.yaml": "tag: 2.0.0\n" });
    expect(server.requests.some((request) => request.service === "git-receive-pack" && request.user === "bot")).toBe(
      true,
    );
    expect(refusedPush.ok).toBe(false);
    expect((await readBranchLog(bare, "main"))[0]?.subject).toBe("bump to 2.0.0");
  });

  it("asks only pushes for credentials with pushOnlyAuth", async () => {
    server = await startGitHttpServer({ auth, pushOnlyAuth: true });
    await createBareRepo(server.root, "deploy", { "values.yaml": "tag: 1.0.0\n" });
    const work = join(tempDir("http-push-only"), "w");

    await git(["clone", "-q", server.repoUrl("deploy"), work]);
    const push = await outcome(commitAndPush(work, "values.yaml", "tag: 3.0.0\n", "bump").then(() => ({ stderr: "" })));

    expect(push).toEqual({ ok: false, stderr: expect.stringMatching(/terminal prompts disabled/) });
    expect(server.requests.filter((request) => request.status === 401).map((request) => request.service)).toEqual([
      "git-receive-pack",
    ]);
  });
});
