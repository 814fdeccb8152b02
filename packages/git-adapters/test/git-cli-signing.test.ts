/**
 * Signing with a key file (the seed's `git.commit-sign-key: /path/to/gpg-key`) and with a key id, over a real
 * git http-backend, checked with `git verify-commit`; and the failures each saying what failed.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  createBareRepo,
  type GitHttpServer,
  type SshGitServer,
  startGitHttpServer,
  startSshGitServer,
} from "@image-updater/bench";
import type { CommitRequest, GitRepository } from "@image-updater/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCliGitWriter } from "../src/index.js";

const run = promisify(execFile);
const AUTHOR = { name: "image-updater", email: "bot@image-updater.test" };

let dir: string;
let ownerHome: string;
let keyFile: string;
let fingerprint: string;
let server: GitHttpServer;
let count = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "iu-sig-"));
  ownerHome = join(dir, "owner");
  await mkdir(ownerHome, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: ownerHome };
  await run(
    "gpg",
    ["--batch", "--passphrase", "", "--quick-gen-key", `${AUTHOR.name} <${AUTHOR.email}>`, "ed25519", "sign", "never"],
    { env },
  );
  const { stdout } = await run("gpg", ["--batch", "--with-colons", "--list-secret-keys"], { env });
  fingerprint = /^fpr:+(?<fpr>[0-9A-F]{40}):/m.exec(stdout)?.groups?.fpr ?? "";
  keyFile = join(dir, "gpg-key");
  const exported = await run("gpg", ["--batch", "--armor", "--export-secret-keys", fingerprint], { env });
  await writeFile(keyFile, exported.stdout, { mode: 0o600 });
  server = await startGitHttpServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await run("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: ownerHome } }).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

async function freshRepository(): Promise<{ repository: GitRepository; bare: string }> {
  const name = `signed-${++count}`;
  const bare = await createBareRepo(server.root, name, { "README.md": "# deploy\n" });
  return { repository: { url: server.repoUrl(name) }, bare };
}

function request(repository: GitRepository, signing: CommitRequest["signing"]): CommitRequest {
  return {
    repository,
    branch: "main",
    message: "build: automatic update of demo",
    author: AUTHOR,
    ...(signing ? { signing } : {}),
    changes: [{ type: "write", path: "values.yaml", contents: `image:\n  tag: ${count}\n` }],
  };
}

/** `git verify-commit` with the owner's keyring, which holds the public key. */
function verify(bare: string, sha: string) {
  return run("git", ["--git-dir", bare, "verify-commit", sha], { env: { ...process.env, GNUPGHOME: ownerHome } });
}

describe("git-cli OpenPGP signing", () => {
  it("signs with a key file imported into a private keyring for the run", async () => {
    const { repository, bare } = await freshRepository();
    // No GNUPGHOME handed to the writer: the key must come from the file alone.
    const writer = createCliGitWriter({ cacheDir: join(dir, `cache-${count}`) });

    const result = await writer.commit(request(repository, { method: "openpgp", key: keyFile }));
    await writer.dispose?.();

    await expect(verify(bare, result.sha ?? "")).resolves.toMatchObject({ stderr: expect.stringContaining("Good") });
  });

  it("still signs with a key id from the keyring the environment names", async () => {
    const { repository, bare } = await freshRepository();
    const writer = createCliGitWriter({ cacheDir: join(dir, `cache-${count}`), env: { GNUPGHOME: ownerHome } });

    const result = await writer.commit(request(repository, { method: "openpgp", key: fingerprint }));
    await writer.dispose?.();

    await expect(verify(bare, result.sha ?? "")).resolves.toBeDefined();
  });

  it.each([
    ["a key file that does not exist", () => join(dir, "missing-key"), /signing key file .*missing-key does not exist/],
    ["a key id no keyring holds", () => "0123456789ABCDEF", /\[git-cli\] sign .*gpg failed to sign/],
  ])("says signing failed for %s, and pushes nothing", async (_, key, message) => {
    const { repository, bare } = await freshRepository();
    const empty = join(dir, `empty-${count}`);
    await mkdir(empty, { mode: 0o700 });
    const writer = createCliGitWriter({ cacheDir: join(dir, `cache-${count}`), env: { GNUPGHOME: empty } });

    const failure = writer.commit(request(repository, { method: "openpgp", key: key() }));

    await expect(failure).rejects.toMatchObject({ code: "GIT_FAILED", operation: "sign", message });
    const { stdout } = await run("git", ["--git-dir", bare, "rev-list", "--count", "main"]);
    expect(stdout.trim()).toBe("1");
    await writer.dispose?.();
  });
});

describe("git-cli SSH failures keep the line that matters", () => {
  let ssh: SshGitServer;
  beforeAll(async () => {
    ssh = await startSshGitServer();
  }, 60_000);
  afterAll(async () => {
    await ssh?.stop();
  });

  async function failure(credentials: { privateKey: string; knownHosts: string }) {
    const name = `ssh-${++count}`;
    await createBareRepo(ssh.root, name, { "README.md": "# deploy\n" });
    const writer = createCliGitWriter({ cacheDir: join(dir, `cache-${count}`) });
    try {
      await writer.commit(request({ url: ssh.repoUrl(name), credentials: { kind: "ssh", ...credentials } }, undefined));
      throw new Error("the commit should have failed");
    } catch (error) {
      return error;
    } finally {
      await writer.dispose?.();
    }
  }

  it("an unknown host key says Host key verification failed.", async () => {
    const otherHost = ssh.knownHosts.replace(/ssh-ed25519 \S+/, `ssh-ed25519 ${ssh.deployKey.publicKey.split(" ")[1]}`);

    const error = await failure({ privateKey: ssh.deployKey.privateKey, knownHosts: otherHost });

    expect(error).toMatchObject({
      code: "GIT_AUTH",
      message: expect.stringContaining("Host key verification failed."),
    });
  });

  it("a key the server does not know says Permission denied (publickey).", async () => {
    const path = join(dir, `stranger-${count}`);
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]);

    const error = await failure({ privateKey: await readFile(path, "utf8"), knownHosts: ssh.knownHosts });

    expect(error).toMatchObject({
      code: "GIT_AUTH",
      message: expect.stringContaining("Permission denied (publickey)."),
    });
  });
});
