import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  benchGitEnv,
  cleanupBench,
  createBareRepo,
  generateSshKey,
  readBranchFiles,
  readBranchLog,
  type SshGitServer,
  startSshGitServer,
  tempDir,
} from "../src/index.js";

const exec = promisify(execFile);

function outcome(promise: Promise<{ stdout: string; stderr: string }>) {
  return promise.then(
    (result) => ({ ok: true, stdout: result.stdout, stderr: result.stderr }),
    (error: { stdout?: string; stderr?: string }) => ({
      ok: false,
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? "",
    }),
  );
}

function git(args: string[], sshCommand: string, cwd?: string) {
  return exec("git", args, { cwd, env: benchGitEnv({ GIT_SSH_COMMAND: sshCommand }) });
}

// Real services can be slow on a loaded machine: generous timeouts, and no timing assertions.
describe("startSshGitServer()", { timeout: 120_000 }, () => {
  let server: SshGitServer;
  let bare: string;
  beforeAll(async () => {
    server = await startSshGitServer();
    bare = await createBareRepo(server.root, "deploy", { "values.yaml": "tag: 1.0.0\n" });
  });
  afterAll(async () => {
    await server.stop();
    await cleanupBench();
  });

  it("clones and pushes with the ed25519 deploy key, read back with git", async () => {
    const work = join(tempDir("ssh-clone"), "w");
    const ssh = server.sshCommand();

    await git(["clone", "-q", server.repoUrl("deploy"), work], ssh);
    await writeFile(join(work, "values.yaml"), "tag: 1.2.0\n");
    await git(["commit", "-q", "-am", "bump over ssh"], ssh, work);
    await git(["push", "-q", "origin", "HEAD:main"], ssh, work);

    expect(await readBranchFiles(bare, "main")).toEqual({ "values.yaml": "tag: 1.2.0\n" });
    expect((await readBranchLog(bare, "main"))[0]?.subject).toBe("bump over ssh");
    expect(server.deployKey.publicKey).toMatch(/^ssh-ed25519 /);
    expect(server.knownHosts).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${server.port} ssh-ed25519 `));
  });

  it("accepts the RSA key too", async () => {
    const listing = await git(
      ["ls-remote", server.repoUrl("deploy"), "refs/heads/main"],
      server.sshCommand(server.rsaKey.privateKeyPath),
    );

    expect(server.rsaKey.publicKey).toMatch(/^ssh-rsa /);
    expect(listing.stdout).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main$/m);
  });

  it("refuses a key it does not know", async () => {
    const stranger = await generateSshKey(tempDir("stranger"), "stranger_key");

    const result = await outcome(
      git(["ls-remote", server.repoUrl("deploy")], server.sshCommand(stranger.privateKeyPath)),
    );

    expect(result).toMatchObject({ ok: false, stderr: expect.stringMatching(/Permission denied \(publickey\)/) });
  });

  it("checks the host key against knownHosts", async () => {
    const otherHosts = join(tempDir("known-hosts"), "known_hosts");
    await writeFile(otherHosts, `[127.0.0.1]:${server.port} ${server.deployKey.publicKey}\n`);
    const ssh = server.sshCommand().replace(server.knownHostsPath, otherHosts);

    const result = await outcome(git(["ls-remote", server.repoUrl("deploy")], ssh));

    expect(result).toMatchObject({
      ok: false,
      stderr: expect.stringMatching(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/),
    });
  });

  it("restricts keys to git commands", async () => {
    const result = await outcome(
      exec("ssh", [
        ...server.sshCommand().split(" ").slice(1),
        "-p",
        String(server.port),
        `${userInfo().username}@127.0.0.1`,
        "id",
      ]),
    );

    expect(result).toMatchObject({ ok: false, stderr: expect.stringMatching(/unrecognized command 'id'/) });
    expect(result.stdout).not.toMatch(/uid=/);
  });
});
