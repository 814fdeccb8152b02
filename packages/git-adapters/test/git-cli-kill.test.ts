/**
 * `kill -9` of a process in the middle of a push over ssh: no private key may be left on disk, and the next
 * process must take over the lock and push. The key only ever lives in the environment of the git and
 * ssh-agent processes, so there is nothing to clean up; these rounds prove it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBareRepo, readBranchLog, type SshGitServer, startSshGitServer } from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A few rounds in the normal suite; the reliability suite runs 20.
const ROUNDS = Number(process.env.IMAGE_UPDATER_KILL_ROUNDS ?? "3");
const PACKAGE_DIR = join(import.meta.dirname, "..");

let server: SshGitServer;
let cacheDir: string;
// The pushing processes get a temp dir of their own: the machine's is shared with other programs' keys.
let childTmp: string;
beforeAll(async () => {
  childTmp = await mkdtemp(join(tmpdir(), "git-cli-kill-tmp-"));
  server = await startSshGitServer();
  await createBareRepo(server.root, "kill", { "README.md": "# kill\n" });
  cacheDir = join(server.root, "..", `kill-cache-${process.pid}`);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await rm(childTmp, { recursive: true, force: true });
});

/** Files under the children's temp dir whose text holds `needle`. */
async function filesHolding(needle: string): Promise<string[]> {
  const found: string[] = [];
  async function visit(dir: string, depth: number): Promise<void> {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info === undefined) continue;
      if (info.isDirectory() && depth < 4) await visit(path, depth + 1);
      else if (info.isFile() && info.size < 1024 * 1024) {
        const text = await readFile(path, "utf8").catch(() => "");
        if (text.includes(needle)) found.push(path);
      }
    }
  }
  await visit(childTmp, 0);
  return found;
}

function startPush(round: number): { child: ChildProcess; pushing: Promise<void>; exited: Promise<unknown> } {
  const child = spawn(
    process.execPath,
    ["--conditions=@image-updater/source", "--import", "tsx", "test/fixtures/push-once.ts"],
    {
      cwd: PACKAGE_DIR,
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        IMAGE_UPDATER_TEST_PUSH: JSON.stringify({
          url: server.repoUrl("kill"),
          privateKey: server.deployKey.privateKey,
          knownHosts: server.knownHosts,
          cacheDir,
          round,
        }),
      },
      // Its own group, as a daemon under a supervisor: kill -9 of the group is what a container stop does.
      detached: true,
    },
  );
  const pushing = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("pushing")) resolve();
    });
    child.once("exit", () => reject(new Error("the push process exited before pushing")));
  });
  pushing.catch(() => {});
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, pushing, exited };
}

describe("git-cli after kill -9 mid-push", () => {
  it(`leaves no private key on disk and no lock that blocks, over ${ROUNDS} rounds`, async () => {
    // The base64 body as a key file holds it (its first line alone is the same for every OpenSSH key).
    const keyLine = server.deployKey.privateKey
      .split("\n")
      .filter((line) => line.length > 0 && !line.startsWith("-----"))
      .join("\n");
    expect(keyLine.length).toBeGreaterThan(100);
    for (let round = 1; round <= ROUNDS; round++) {
      const { child, pushing, exited } = startPush(round);
      await pushing;
      // Somewhere inside the push: before ssh starts, during the handshake, or during the transfer.
      await new Promise((resolve) => setTimeout(resolve, (round * 37) % 120));
      process.kill(-(child.pid ?? 0), "SIGKILL");
      await exited;

      expect(await filesHolding(keyLine)).toEqual([]);
    }

    // The next run takes over whatever lock the last killed process held, and pushes.
    const next = startPush(ROUNDS + 1);
    expect(await next.exited).toBe(0);
    const log = await readBranchLog(join(server.root, "kill.git"), "main");
    expect(log[0]?.subject).toBe(`round ${ROUNDS + 1}`);
    expect(await filesHolding(keyLine)).toEqual([]);
    // The killed processes' private directories (agent sockets, known_hosts) were swept at start-up, and the
    // last one removed its own at exit.
    expect((await readdir(childTmp)).filter((name) => name.startsWith("image-updater-"))).toEqual([]);
  }, 180_000);
});
