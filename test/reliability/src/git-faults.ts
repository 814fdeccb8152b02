/**
 * Git faults against real git: push races with a foreign writer, a protected branch, unreachable and
 * blackhole remotes, and `kill -9` of a pushing process over ssh. Lost means a foreign commit missing from
 * the branch or an update that never landed without a typed error saying so.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createBareRepo, readBranchLog, type SshGitServer, startSshGitServer } from "@image-updater/bench";
import { branchLog, commitToBare } from "@image-updater/conformance";
import { createCliGitWriter } from "@image-updater/git-adapters";
import { expectTypedFailure, PLANTED_SECRETS, type Trial } from "./family.js";

const run = promisify(execFile);
const AUTHOR = { name: "image-updater", email: "bot@image-updater.test" };
const GIT_ADAPTERS_DIR = join(import.meta.dirname, "..", "..", "..", "packages", "git-adapters");

async function bareRepo(root: string, name: string): Promise<string> {
  const bare = join(root, `${name}.git`);
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await commitToBare(bare, "main", { "README.md": "# deploy\n" }, "seed");
  return bare;
}

/** A TCP server that accepts and never answers. */
async function startBlackhole(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    socket.on("data", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://robot:${PLANTED_SECRETS[2]}@127.0.0.1:${port}/deploy.git`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The git family: trials plus what to stop afterwards. */
export async function gitTrials(options: {
  readonly killRounds: number;
}): Promise<{ trials: Trial[]; stop(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "iu-reliability-git-"));
  const blackhole = await startBlackhole();
  let ssh: SshGitServer | undefined;
  const trials: Trial[] = [];

  for (let round = 1; round <= 5; round++) {
    trials.push({
      name: `git: push race, ${round * 3} foreign commits`,
      deadlineMs: 120_000,
      async run() {
        const bare = await bareRepo(root, `race-${round}`);
        const foreign: string[] = [];
        const writer = createCliGitWriter({
          cacheDir: join(root, `cache-race-${round}`),
          maxAttempts: round * 3 + 2,
          retryDelayMs: 20,
          // Another writer lands a commit between our fetch and each of our pushes, round × 3 times.
          beforePush: async ({ attempt }) => {
            if (attempt <= round * 3)
              foreign.push(await commitToBare(bare, "main", { [`other/${attempt}.txt`]: "x\n" }, `foreign ${attempt}`));
          },
        });
        const result = await writer.commit({
          repository: { url: `file://${bare}` },
          branch: "main",
          message: "ours",
          author: AUTHOR,
          changes: [{ type: "write", path: "app.yaml", contents: `tag: ${round}\n` }],
        });
        const log = await branchLog(bare, "main");
        const shas = new Set(log.map((commit) => commit.sha));
        return { correct: result.sha !== null && foreign.every((sha) => shas.has(sha)), outputs: [] };
      },
    });
  }

  trials.push({
    name: "git: protected branch (pre-receive refuses)",
    deadlineMs: 60_000,
    async run() {
      const bare = await bareRepo(root, "protected");
      await writeFile(join(bare, "hooks", "pre-receive"), "#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n", {
        mode: 0o755,
      });
      const writer = createCliGitWriter({ cacheDir: join(root, "cache-protected") });
      const result = await expectTypedFailure(
        writer.commit({
          repository: { url: `file://${bare}` },
          branch: "main",
          message: "ours",
          author: AUTHOR,
          changes: [{ type: "write", path: "app.yaml", contents: "tag: 1\n" }],
        }),
        ["GIT_FAILED"],
      );
      const log = await branchLog(bare, "main");
      return { correct: result.correct && log.length === 1, outputs: result.outputs };
    },
  });

  trials.push({
    name: "git: unreachable remote (closed port)",
    deadlineMs: 30_000,
    run: () =>
      expectTypedFailure(
        createCliGitWriter({ cacheDir: join(root, "cache-unreachable") }).openBranch(
          {
            url: "https://127.0.0.1:9/deploy.git",
            credentials: { kind: "https", username: "robot", password: PLANTED_SECRETS[2]! },
          },
          "main",
        ),
        ["GIT_UNAVAILABLE"],
      ),
  });

  for (const [label, settings] of [
    ["stall timeout", { stallTimeoutMs: 2_000, timeoutMs: 300_000 }],
    ["operation timeout, stall detection off", { stallTimeoutMs: 0, timeoutMs: 3_000 }],
  ] as const) {
    trials.push({
      name: `git: blackhole remote, ${label}`,
      deadlineMs: 20_000,
      async run() {
        const writer = createCliGitWriter({ cacheDir: join(root, `cache-blackhole-${label.length}`), ...settings });
        const result = await expectTypedFailure(writer.openBranch({ url: blackhole.url }, "main"));
        // No git process may outlive the failure (an orphaned transport keeps the daemon waiting).
        const { stdout } = await run("ps", ["-eo", "args="]);
        const orphans = stdout.split("\n").filter((line) => line.includes(blackhole.url.split("@")[1]!));
        return { correct: result.correct && orphans.length === 0, outputs: [...result.outputs, ...orphans] };
      },
    });
  }

  if (options.killRounds > 0) {
    trials.push({
      name: `git: kill -9 mid-push over ssh, ${options.killRounds} rounds`,
      deadlineMs: 60_000 + options.killRounds * 20_000,
      async run() {
        ssh ??= await startSshGitServer();
        await createBareRepo(ssh.root, "kill", { "README.md": "# kill\n" });
        const childTmp = await mkdtemp(join(tmpdir(), "iu-reliability-kill-tmp-"));
        const cacheDir = join(root, "cache-kill");
        const body = ssh.deployKey.privateKey
          .split("\n")
          .filter((line) => line.length > 0 && !line.startsWith("-----"))
          .join("\n");
        const outputs: string[] = [];
        const push = (round: number) => {
          const child = spawn(
            process.execPath,
            ["--conditions=@image-updater/source", "--import", "tsx", "test/fixtures/push-once.ts"],
            {
              cwd: GIT_ADAPTERS_DIR,
              stdio: ["ignore", "pipe", "pipe"],
              detached: true,
              env: {
                ...process.env,
                TMPDIR: childTmp,
                IMAGE_UPDATER_TEST_PUSH: JSON.stringify({
                  url: ssh!.repoUrl("kill"),
                  privateKey: ssh!.deployKey.privateKey,
                  knownHosts: ssh!.knownHosts,
                  cacheDir,
                  round,
                }),
              },
            },
          );
          child.stderr?.on("data", (chunk: Buffer) => outputs.push(chunk.toString()));
          const pushing = new Promise<void>((resolve, reject) => {
            child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("pushing") && resolve());
            child.once("exit", () => reject(new Error("exited before pushing")));
          });
          pushing.catch(() => {});
          const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
          return { child, pushing, exited };
        };
        let keysLeft = 0;
        for (let round = 1; round <= options.killRounds; round++) {
          const { child, pushing, exited } = push(round);
          await pushing;
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 150)));
          process.kill(-(child.pid ?? 0), "SIGKILL");
          await exited;
          keysLeft += (await filesHolding(childTmp, body)).length;
        }
        const next = push(options.killRounds + 1);
        const code = await next.exited;
        const log = await readBranchLog(join(ssh.root, "kill.git"), "main");
        const leftovers = (await readdir(childTmp)).filter((name) => name.startsWith("image-updater-"));
        await rm(childTmp, { recursive: true, force: true });
        const landed = code === 0 && log[0]?.subject === `round ${options.killRounds + 1}`;
        return { correct: landed && keysLeft === 0 && leftovers.length === 0, outputs };
      },
    });
  }

  return {
    trials,
    async stop() {
      await blackhole.stop();
      await ssh?.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Files under `dir` whose text holds `needle`. */
async function filesHolding(dir: string, needle: string, depth = 0): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory() && depth < 4) found.push(...(await filesHolding(path, needle, depth + 1)));
    else if (info?.isFile() && (await readFile(path, "utf8").catch(() => "")).includes(needle)) found.push(path);
  }
  return found;
}
