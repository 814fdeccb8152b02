/**
 * Remotes that hang and processes that die: a blackhole remote (accepts the TCP connection, never answers)
 * must fail within the stall or operation deadline with no git process left behind; a lock left by a process
 * whose PID was reused (PID 1 in a restarted container) must not block; a large file is refused by size.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { commitToBare } from "@image-updater/conformance";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ownIdentity } from "../src/git-cli/process-identity.js";
import { mirrorKey } from "../src/git-cli/remote-url.js";
import { createCliGitWriter } from "../src/index.js";

const run = promisify(execFile);

let dir: string;
let blackhole: Server;
let sockets: Socket[];
let blackholeUrl: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "git-cli-deadlines-"));
  sockets = [];
  blackhole = createServer((socket) => {
    // Reads whatever comes and never answers.
    sockets.push(socket);
    socket.on("data", () => {});
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
  const address = blackhole.address();
  const port = typeof address === "object" && address ? address.port : 0;
  blackholeUrl = `http://127.0.0.1:${port}/deploy.git`;
});

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

/** Git processes still running whose command line names `needle`. */
async function gitProcessesNaming(needle: string): Promise<string[]> {
  const { stdout } = await run("ps", ["-eo", "pid=,args="]);
  return stdout
    .split("\n")
    .filter((line) => line.includes(needle) && /\bgit\b|remote-http/.test(line) && !line.includes("ps -eo"));
}

describe("git-cli deadlines", () => {
  it("gives up on a blackhole remote after the stall timeout, not the operation timeout", async () => {
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache"), stallTimeoutMs: 1_000, timeoutMs: 120_000 });
    const started = Date.now();

    const error = await writer.openBranch({ url: blackholeUrl }, "main").catch((e: unknown) => e);

    expect(error).toMatchObject({ retryable: true });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await gitProcessesNaming(blackholeUrl)).toEqual([]);
  });

  it("kills the whole process group at the operation timeout: no orphaned git remote-http keeps running", async () => {
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache"), stallTimeoutMs: 0, timeoutMs: 1_500 });
    const started = Date.now();

    const error = await writer.openBranch({ url: blackholeUrl }, "main").catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    // The transport is a grandchild: it must be gone too, or its socket stays open.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await gitProcessesNaming(blackholeUrl)).toEqual([]);
    expect(sockets.every((socket) => socket.destroyed || socket.readableEnded)).toBe(true);
  });
});

describe("git-cli lock owners", () => {
  let bare: string;
  let url: string;
  beforeEach(async () => {
    bare = join(dir, "deploy.git");
    url = `file://${bare}`;
    await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
    await commitToBare(bare, "main", { "README.md": "# deploy\n", "big.yaml": `x: ${"a".repeat(4096)}\n` }, "seed");
  });

  async function plantLock(owner: string): Promise<void> {
    const cacheDir = join(dir, "cache");
    await mkdir(cacheDir, { recursive: true });
    await writeFile(join(cacheDir, `${mirrorKey(url)}.lock`), owner);
  }

  it("takes over a lock whose PID is alive but belongs to a newer process (PID 1 after a container restart)", async () => {
    // Our own PID, with another start time: what a restarted container's PID 1 finds on its cache volume.
    await plantLock(`${JSON.stringify({ ...ownIdentity(), startTime: "1" })}\n`);
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache"), lockTimeoutMs: 500 });

    expect(await writer.openBranch({ url }, "main")).not.toBeNull();
  });

  it("takes over a lock written before the last boot", async () => {
    await plantLock(
      `${JSON.stringify({ ...ownIdentity(), pid: 1, bootId: "00000000-0000-0000-0000-000000000000" })}\n`,
    );
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache"), lockTimeoutMs: 500 });

    expect(await writer.openBranch({ url }, "main")).not.toBeNull();
  });

  it("waits for a fresh lock of another host, naming it, with no advice about write access", async () => {
    await plantLock(`${JSON.stringify({ pid: 4242, host: `${hostname()}-elsewhere` })}\n`);
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache"), lockTimeoutMs: 300 });

    const error = await writer.openBranch({ url }, "main").catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "GIT_UNAVAILABLE", retryable: true });
    expect(String((error as Error).message)).toContain(`process 4242 on ${hostname()}-elsewhere`);
    expect(String((error as Error).message)).not.toMatch(/write access|permission/i);
  });

  it("refuses a file over maxFileBytes by its size, before reading it", async () => {
    const writer = createCliGitWriter({ cacheDir: join(dir, "cache"), maxFileBytes: 1024 });
    const view = await writer.openBranch({ url }, "main");

    expect(await view?.readFile("README.md")).toBe("# deploy\n");
    await expect(view?.readFile("big.yaml")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });
});
