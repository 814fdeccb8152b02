import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type SshGitServer, startSshGitServer } from "@image-updater/test/bench";
import { describeGitWriterConformance, type GitWriterCase, gitWriterCases } from "@image-updater/test/conformance";
import { afterAll } from "vitest";
import { createCliGitWriter } from "../src/index.js";

const run = promisify(execFile);
let server: SshGitServer | undefined;
let cacheDir: string | undefined;
let count = 0;

afterAll(async () => {
  await server?.stop();
});

// The key type only changes how ssh authenticates: the RSA run keeps the cases that read, write and race.
const RSA_CASES: readonly GitWriterCase[] = [
  "openBranch() reads files, lists them and reads symlinks at the branch tip",
  "commit() makes exactly one commit with the message, author and changes, read back by openBranch()",
  "commit() rebuilds on the new tip when another client pushed before our push, keeping both commits in order",
];

for (const keyType of ["ed25519", "rsa"] as const) {
  const skip =
    keyType === "rsa"
      ? Object.fromEntries(
          gitWriterCases
            .filter((name) => !RSA_CASES.includes(name))
            .map((name) => [name, "covered by the ed25519 run; the key type only changes authentication"]),
        )
      : {};
  describeGitWriterConformance(
    `git-cli over SSH with an ${keyType} deploy key and known_hosts`,
    {
      async createRemote() {
        server ??= await startSshGitServer();
        cacheDir = await mkdtemp(join(tmpdir(), "git-cli-ssh-cache-"));
        const name = `deploy-${keyType}-${++count}`;
        const bare = join(server.root, `${name}.git`);
        await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
        const key = keyType === "rsa" ? server.rsaKey : server.deployKey;
        return {
          repository: {
            url: server.repoUrl(name),
            credentials: { kind: "ssh", privateKey: key.privateKey, knownHosts: server.knownHosts },
          },
          bare,
        };
      },
      async createWriter(context) {
        return createCliGitWriter({
          cacheDir: cacheDir ?? tmpdir(),
          env: context.env,
          beforePush: context.beforePush,
          maxAttempts: 3,
        });
      },
      async cleanup() {
        if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
        cacheDir = undefined;
      },
    },
    { skip, timeoutMs: 180_000 },
  );
}
