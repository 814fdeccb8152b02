/**
 * Conformance suite for {@link GitWriter}s. A harness hands the suite a fresh remote (served however the
 * adapter reaches it: file, smart HTTP, SSH) plus the bare repository behind it, which the suite seeds and
 * inspects directly, and a fresh writer. Cases are contract sentences.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CommitRequest, CommitSigning, GitRepository, GitWriter } from "@image-updater/core";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

/** A remote created for one test. */
export interface GitRemoteFixture {
  /** What the writer is given: URL and credentials. */
  readonly repository: GitRepository;
  /** Bare repository on disk behind the remote; `HEAD` → `main`, no commits yet. */
  readonly bare: string;
}

/** What the suite needs wired into a writer. */
export interface GitWriterContext {
  /** MUST be called after the writer built a commit and before it pushes it, on every attempt. */
  readonly beforePush: () => Promise<void>;
  /** Extra environment the writer's git processes need: `GNUPGHOME` for OpenPGP signing. */
  readonly env: Readonly<Record<string, string>>;
}

/** How a writer family plugs into the suite. */
export interface GitWriterHarness {
  /** A fresh, empty remote. Called once per test. */
  createRemote(): Promise<GitRemoteFixture>;
  /** A fresh writer. Called once per test, after {@link createRemote}. */
  createWriter(context: GitWriterContext): Promise<GitWriter>;
  /** Stops what the test started, removes temp dirs. Called after each test. */
  cleanup?(): Promise<void>;
}

/** A file (text) or a symbolic link for {@link commitToBare}. */
export type SeedFile = string | { readonly symlink: string };

interface TestState {
  readonly writer: GitWriter;
  readonly remote: GitRemoteFixture;
  /** Set by a case to run something between the writer's build and push. */
  beforePush: (() => Promise<void>) | undefined;
  readonly signing: SigningKeys;
}

const AUTHOR = { name: "image-updater", email: "bot@image-updater.test" } as const;
const EXTERNAL = { name: "Someone Else", email: "someone@example.com" } as const;

function request(remote: GitRemoteFixture, overrides: Partial<CommitRequest> = {}): CommitRequest {
  return {
    repository: remote.repository,
    branch: "main",
    message: "build: automatic update of demo",
    author: AUTHOR,
    changes: [{ type: "write", path: "app/values.yaml", contents: "image:\n  tag: 1.2.4\n" }],
    ...overrides,
  };
}

const SEED = {
  "README.md": "# deploy\n",
  "app/values.yaml": "image:\n  tag: 1.2.3\n",
  "app/deep/nested/kustomization.yaml": "images: []\n",
  "current.yaml": { symlink: "app/values.yaml" },
} as const satisfies Record<string, SeedFile>;

const CASES = {
  "defaultBranch() resolves the branch the remote's HEAD points at": async ({ writer, remote }: TestState) => {
    await run("git", ["--git-dir", remote.bare, "symbolic-ref", "HEAD", "refs/heads/trunk"]);
    await commitToBare(remote.bare, "trunk", { "a.txt": "a\n" }, "trunk");

    expect(await writer.defaultBranch(remote.repository)).toBe("trunk");
  },

  "openBranch() reads files, lists them and reads symlinks at the branch tip": async ({
    writer,
    remote,
  }: TestState) => {
    const tip = await branchTip(remote.bare, "main");

    const files = await writer.openBranch(remote.repository, "main");

    expect(files?.revision).toBe(tip);
    expect(await files?.readFile("app/values.yaml")).toBe(SEED["app/values.yaml"]);
    expect(await files?.readFile("missing.yaml")).toBeNull();
    expect(await files?.readFile("app")).toBeNull();
    expect(await files?.readFile("current.yaml")).toBeNull();
    expect(await files?.readLink("current.yaml")).toBe("app/values.yaml");
    expect(await files?.readLink("README.md")).toBeNull();
    expect(await files?.listFiles("")).toEqual(["README.md", "app/deep/nested/kustomization.yaml", "app/values.yaml"]);
    expect(await files?.listFiles("app/deep")).toEqual(["app/deep/nested/kustomization.yaml"]);
  },

  "openBranch() resolves null for a branch that does not exist, and HEAD to the default branch": async ({
    writer,
    remote,
  }: TestState) => {
    expect(await writer.openBranch(remote.repository, "no-such-branch")).toBeNull();
    expect((await writer.openBranch(remote.repository, "HEAD"))?.revision).toBe(await branchTip(remote.bare, "main"));
  },

  "commit() makes exactly one commit with the message, author and changes, read back by openBranch()": async ({
    writer,
    remote,
  }: TestState) => {
    const before = await branchTip(remote.bare, "main");

    const result = await writer.commit(request(remote));

    expect(result).toEqual({
      sha: await branchTip(remote.bare, "main"),
      branch: "main",
      branchCreated: false,
      attempts: 1,
    });
    const [head, parent] = await branchLog(remote.bare, "main");
    expect(head).toMatchObject({ subject: "build: automatic update of demo", author: AUTHOR, committer: AUTHOR });
    expect(parent?.sha).toBe(before);
    expect(await readAt(remote.bare, "main", "app/values.yaml")).toBe("image:\n  tag: 1.2.4\n");
    const files = await writer.openBranch(remote.repository, "main");
    expect(files?.revision).toBe(result.sha);
    expect(await files?.readFile("app/values.yaml")).toBe("image:\n  tag: 1.2.4\n");
  },

  "commit() applies write, edit and delete changes, nested paths included, in one commit": async ({
    writer,
    remote,
  }: TestState) => {
    const result = await writer.commit(
      request(remote, {
        changes: [
          { type: "write", path: "new/dir/file.yaml", contents: "new: true\n" },
          { type: "edit", path: "app/values.yaml", apply: (text) => (text ?? "").replace("1.2.3", "2.0.0") },
          { type: "delete", path: "app/deep/nested/kustomization.yaml" },
          { type: "delete", path: "never-existed.yaml" },
        ],
      }),
    );

    expect(result.sha).not.toBeNull();
    expect(await branchLog(remote.bare, "main")).toHaveLength(2);
    expect(await readAt(remote.bare, "main", "new/dir/file.yaml")).toBe("new: true\n");
    expect(await readAt(remote.bare, "main", "app/values.yaml")).toBe("image:\n  tag: 2.0.0\n");
    expect(await readAt(remote.bare, "main", "app/deep/nested/kustomization.yaml")).toBeNull();
    expect(await readAt(remote.bare, "main", "README.md")).toBe("# deploy\n");
  },

  "commit() resolves sha null and pushes nothing when every change is already in place": async ({
    writer,
    remote,
  }: TestState) => {
    const before = await branchTip(remote.bare, "main");

    const result = await writer.commit(
      request(remote, {
        changes: [
          { type: "write", path: "app/values.yaml", contents: SEED["app/values.yaml"] },
          { type: "edit", path: "README.md", apply: (text) => text },
          { type: "delete", path: "not-there.yaml" },
        ],
      }),
    );

    expect(result).toEqual({ sha: null, branch: "main", branchCreated: false, attempts: 1 });
    expect(await branchTip(remote.bare, "main")).toBe(before);
  },

  "commit() adds a Signed-off-by trailer when signOff is set": async ({ writer, remote }: TestState) => {
    await writer.commit(request(remote, { signOff: true }));

    const [head] = await branchLog(remote.bare, "main");
    expect(head?.body).toContain(`Signed-off-by: ${AUTHOR.name} <${AUTHOR.email}>`);
  },

  "commit() creates the branch from baseBranch and leaves the base alone": async ({ writer, remote }: TestState) => {
    const base = await branchTip(remote.bare, "main");

    const result = await writer.commit(request(remote, { branch: "image-update/demo-1.2.4", baseBranch: "main" }));

    expect(result).toMatchObject({ branch: "image-update/demo-1.2.4", branchCreated: true, attempts: 1 });
    expect(await branchTip(remote.bare, "main")).toBe(base);
    const [head, parent] = await branchLog(remote.bare, "image-update/demo-1.2.4");
    expect(head?.sha).toBe(result.sha);
    expect(parent?.sha).toBe(base);
  },

  "commit() resolves HEAD to the remote's default branch": async ({ writer, remote }: TestState) => {
    const result = await writer.commit(request(remote, { branch: "HEAD" }));

    expect(result.branch).toBe("main");
    expect(await branchTip(remote.bare, "main")).toBe(result.sha);
  },

  "commit() rejects GIT_FAILED when the branch does not exist and no baseBranch is given": async ({
    writer,
    remote,
  }: TestState) => {
    await expect(writer.commit(request(remote, { branch: "nope" }))).rejects.toMatchObject({ code: "GIT_FAILED" });
  },

  "commit() rebuilds on the new tip when another client pushed before our push, keeping both commits in order": async (
    state: TestState,
  ) => {
    const { writer, remote } = state;
    await denyForcePush(remote.bare);
    let theirs: string | undefined;
    state.beforePush = async () => {
      theirs ??= await commitToBare(
        remote.bare,
        "main",
        { "app/values.yaml": "image:\n  tag: 1.2.3\n# theirs\n" },
        "theirs",
      );
    };

    const result = await writer.commit(
      request(remote, {
        changes: [{ type: "edit", path: "app/values.yaml", apply: (text) => (text ?? "").replace("1.2.3", "1.2.4") }],
      }),
    );

    expect(result.attempts).toBe(2);
    const log = await branchLog(remote.bare, "main");
    expect(log.map((commit) => commit.subject)).toEqual(["build: automatic update of demo", "theirs", "seed"]);
    expect(log[1]?.sha).toBe(theirs);
    expect(await readAt(remote.bare, "main", "app/values.yaml")).toBe("image:\n  tag: 1.2.4\n# theirs\n");
  },

  "commit() rejects GIT_CONFLICT after a bounded number of attempts when the branch keeps moving": async (
    state: TestState,
  ) => {
    const { writer, remote } = state;
    let pushes = 0;
    state.beforePush = async () => {
      pushes++;
      await commitToBare(remote.bare, "main", { [`other-${pushes}.txt`]: "x\n" }, `theirs ${pushes}`);
    };

    await expect(writer.commit(request(remote))).rejects.toMatchObject({ code: "GIT_CONFLICT" });
    expect(pushes).toBeGreaterThan(1);
    expect(pushes).toBeLessThan(20);
    expect((await branchLog(remote.bare, "main")).map((commit) => commit.author.email)).not.toContain(AUTHOR.email);
  },

  "commit() signs with an OpenPGP key so that git verify-commit accepts it": async ({
    writer,
    remote,
    signing,
  }: TestState) => {
    const result = await writer.commit(request(remote, { signing: signing.openpgp }));

    await expect(
      run("git", ["--git-dir", remote.bare, "verify-commit", result.sha ?? "HEAD"], {
        env: { ...process.env, GNUPGHOME: signing.gnupgHome },
      }),
    ).resolves.toBeDefined();
  },

  "commit() signs with an SSH key so that git verify-commit accepts it": async ({
    writer,
    remote,
    signing,
  }: TestState) => {
    const result = await writer.commit(request(remote, { signing: signing.ssh }));

    const verify = run("git", [
      "-c",
      `gpg.ssh.allowedSignersFile=${signing.allowedSigners}`,
      "--git-dir",
      remote.bare,
      "verify-commit",
      result.sha ?? "HEAD",
    ]);
    await expect(verify).resolves.toBeDefined();
    const unsigned = await writer.commit(request(remote, { changes: [{ type: "write", path: "u", contents: "u" }] }));
    await expect(run("git", ["--git-dir", remote.bare, "verify-commit", unsigned.sha ?? "HEAD"])).rejects.toThrow();
  },

  "commit() fast-forwards an existing write branch that already contains its base": async ({
    writer,
    remote,
  }: TestState) => {
    const branch = "image-update/demo";
    const first = await writer.commit(request(remote, { branch, baseBranch: "main" }));

    const second = await writer.commit(
      request(remote, { branch, baseBranch: "main", changes: [{ type: "write", path: "b.txt", contents: "b\n" }] }),
    );

    expect(second.branchCreated).toBe(false);
    const log = await branchLog(remote.bare, branch);
    expect(log.map((commit) => commit.sha).slice(0, 2)).toEqual([second.sha, first.sha]);
  },

  "commit() rebuilds its own write branch on a moved base, leasing the exact old tip": async ({
    writer,
    remote,
  }: TestState) => {
    const branch = "image-update/demo";
    await writer.commit(request(remote, { branch, baseBranch: "main" }));
    const moved = await commitToBare(remote.bare, "main", { "main-only.txt": "m\n" }, "main moved");

    const result = await writer.commit(request(remote, { branch, baseBranch: "main" }));

    const log = await branchLog(remote.bare, branch);
    expect(log.map((commit) => commit.subject)).toEqual(["build: automatic update of demo", "main moved", "seed"]);
    expect(log[1]?.sha).toBe(moved);
    expect(log[0]?.sha).toBe(result.sha);
  },

  "commit() never force-pushes a write branch someone else committed to": async ({ writer, remote }: TestState) => {
    const branch = "image-update/demo";
    await writer.commit(request(remote, { branch, baseBranch: "main" }));
    const foreign = await commitToBare(remote.bare, branch, { "review-fix.txt": "fix\n" }, "review fix");
    await commitToBare(remote.bare, "main", { "main-only.txt": "m\n" }, "main moved");
    await denyForcePush(remote.bare);

    const result = await writer.commit(
      request(remote, { branch, baseBranch: "main", changes: [{ type: "write", path: "c.txt", contents: "c\n" }] }),
    );

    const log = await branchLog(remote.bare, branch);
    expect(log[0]?.sha).toBe(result.sha);
    expect(log[1]?.sha).toBe(foreign);
    expect(await readAt(remote.bare, branch, "review-fix.txt")).toBe("fix\n");
  },

  "commit() keeps a commit pushed to its write branch while it was about to reset it": async (state: TestState) => {
    const { writer, remote } = state;
    const branch = "image-update/demo";
    await writer.commit(request(remote, { branch, baseBranch: "main" }));
    await commitToBare(remote.bare, "main", { "main-only.txt": "m\n" }, "main moved");
    let foreign: string | undefined;
    state.beforePush = async () => {
      foreign ??= await commitToBare(remote.bare, branch, { "review-fix.txt": "fix\n" }, "review fix");
    };

    const result = await writer.commit(
      request(remote, { branch, baseBranch: "main", changes: [{ type: "write", path: "c.txt", contents: "c\n" }] }),
    );

    expect(result.attempts).toBe(2);
    const log = await branchLog(remote.bare, branch);
    expect(log.map((commit) => commit.sha)).toContain(foreign);
    expect(log[0]?.sha).toBe(result.sha);
  },

  "commit() rejects GIT_FAILED without retrying when the remote refuses the branch (protected)": async (
    state: TestState,
  ) => {
    const { writer, remote } = state;
    await protectBranch(remote.bare, "main");
    let attempts = 0;
    state.beforePush = async () => {
      attempts++;
    };
    const before = await branchTip(remote.bare, "main");

    await expect(writer.commit(request(remote))).rejects.toMatchObject({ code: "GIT_FAILED" });
    expect(attempts).toBe(1);
    expect(await branchTip(remote.bare, "main")).toBe(before);
  },

  "commit() rejects ABORTED when its signal is already aborted": async ({ writer, remote }: TestState) => {
    const controller = new AbortController();
    controller.abort();

    await expect(writer.commit(request(remote), { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
  },
} as const;

/** Names of the cases, for type-checked opt-outs. */
export type GitWriterCase = keyof typeof CASES;

/** Every case name, in the order the suite runs them. */
export const gitWriterCases = Object.keys(CASES) as readonly GitWriterCase[];

/** Options of {@link describeGitWriterConformance}. */
export interface GitWriterConformanceOptions {
  /** Cases to skip, each with the reason shown in the output. */
  readonly skip?: Partial<Record<GitWriterCase, string>>;
  /** Per-case timeout; remotes behind sshd or CGI need more than the default. @default 60000 */
  readonly timeoutMs?: number;
}

/** Registers the git writer conformance cases for `name` with vitest. */
export function describeGitWriterConformance(
  name: string,
  harness: GitWriterHarness,
  options: GitWriterConformanceOptions = {},
): void {
  describe(`${name}: GitWriter conformance`, () => {
    let keys: Promise<SigningKeys> | undefined;
    afterAll(async () => {
      if (keys) await (await keys).dispose();
    });
    for (const [title, runCase] of Object.entries(CASES) as [GitWriterCase, (state: TestState) => Promise<void>][]) {
      const reason = options.skip?.[title];
      it.skipIf(reason !== undefined)(
        reason ? `${title} (skipped: ${reason})` : title,
        async () => {
          keys ??= createSigningKeys();
          const signing = await keys;
          try {
            const remote = await harness.createRemote();
            await commitToBare(remote.bare, "main", SEED, "seed");
            const state: TestState = {
              remote,
              signing,
              beforePush: undefined,
              writer: await harness.createWriter({
                beforePush: async () => state.beforePush?.(),
                env: { GNUPGHOME: signing.gnupgHome },
              }),
            };
            try {
              await runCase(state);
            } finally {
              await state.writer.dispose?.();
            }
          } finally {
            await harness.cleanup?.();
          }
        },
        options.timeoutMs ?? 60_000,
      );
    }
  });
}

/** Throwaway signing keys: an OpenPGP key in its own GNUPGHOME and an SSH key with an allowed-signers file. */
export interface SigningKeys {
  readonly gnupgHome: string;
  readonly openpgp: CommitSigning;
  readonly ssh: CommitSigning;
  /** `gpg.ssh.allowedSignersFile` that trusts {@link ssh} for the suite's author. */
  readonly allowedSigners: string;
  dispose(): Promise<void>;
}

/** Generates {@link SigningKeys} in a temp dir (a short path: gpg-agent's socket lives there). */
export async function createSigningKeys(): Promise<SigningKeys> {
  const dir = await mkdtemp(join(tmpdir(), "iu-sign-"));
  const gnupgHome = join(dir, "gnupg");
  const env = { ...process.env, GNUPGHOME: gnupgHome };
  await run("mkdir", ["-m", "700", gnupgHome]);
  await run(
    "gpg",
    ["--batch", "--passphrase", "", "--quick-gen-key", `${AUTHOR.name} <${AUTHOR.email}>`, "ed25519", "sign", "never"],
    {
      env,
    },
  );
  const { stdout } = await run("gpg", ["--batch", "--list-secret-keys", "--with-colons"], { env });
  const fingerprint = /^fpr:+(?<fpr>[0-9A-F]{40}):/m.exec(stdout)?.groups?.fpr;
  if (!fingerprint) throw new Error("gpg did not list the generated key");
  const sshKey = join(dir, "signing_ed25519");
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", AUTHOR.email, "-f", sshKey]);
  const publicKey = (await run("cat", [`${sshKey}.pub`])).stdout.trim();
  const allowedSigners = join(dir, "allowed_signers");
  await writeFile(allowedSigners, `${AUTHOR.email} namespaces="git" ${publicKey}\n`);
  return {
    gnupgHome,
    openpgp: { method: "openpgp", key: fingerprint },
    ssh: { method: "ssh", key: sshKey },
    allowedSigners,
    async dispose() {
      await run("gpgconf", ["--kill", "all"], { env }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Commits `files` on top of `branch` (or as a root commit) directly in the bare repository, as another client's
 * push would, authored by someone else. Resolves the new sha.
 */
export async function commitToBare(
  bare: string,
  branch: string,
  files: Readonly<Record<string, SeedFile>>,
  message: string,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "iu-bare-"));
  const env = {
    ...process.env,
    GIT_INDEX_FILE: join(scratch, "index"),
    GIT_AUTHOR_NAME: EXTERNAL.name,
    GIT_AUTHOR_EMAIL: EXTERNAL.email,
    GIT_COMMITTER_NAME: EXTERNAL.name,
    GIT_COMMITTER_EMAIL: EXTERNAL.email,
  };
  try {
    const parent = await branchTip(bare, branch);
    if (parent) await run("git", ["--git-dir", bare, "read-tree", parent], { env });
    for (const [path, file] of Object.entries(files)) {
      const text = typeof file === "string" ? file : file.symlink;
      const blobPath = join(scratch, "blob");
      await writeFile(blobPath, text);
      const sha = (await run("git", ["--git-dir", bare, "hash-object", "-w", blobPath], { env })).stdout.trim();
      const mode = typeof file === "string" ? "100644" : "120000";
      await run("git", ["--git-dir", bare, "update-index", "--add", "--cacheinfo", `${mode},${sha},${path}`], { env });
    }
    const tree = (await run("git", ["--git-dir", bare, "write-tree"], { env })).stdout.trim();
    const parents = parent ? ["-p", parent] : [];
    const commit = (
      await run("git", ["--git-dir", bare, "commit-tree", tree, ...parents, "--no-gpg-sign", "-m", message], { env })
    ).stdout.trim();
    await run("git", ["--git-dir", bare, "update-ref", `refs/heads/${branch}`, commit, parent ?? ""], { env });
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Tip of `branch` in the bare repository, or `null`. */
export async function branchTip(bare: string, branch: string): Promise<string | null> {
  try {
    return (
      await run("git", ["--git-dir", bare, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`])
    ).stdout.trim();
  } catch {
    return null;
  }
}

/** A commit as the suite sees it. */
export interface LoggedCommit {
  readonly sha: string;
  readonly subject: string;
  readonly body: string;
  readonly author: { readonly name: string; readonly email: string };
  readonly committer: { readonly name: string; readonly email: string };
}

/** First-parent history of `branch`, newest first. */
export async function branchLog(bare: string, branch: string): Promise<LoggedCommit[]> {
  const { stdout } = await run("git", [
    "--git-dir",
    bare,
    "log",
    "--first-parent",
    "--format=%H%x1f%s%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%b%x1e",
    `refs/heads/${branch}`,
  ]);
  return stdout
    .split("\x1e")
    .map((record) => record.replace(/^\n/, ""))
    .filter((record) => record.length > 0)
    .map((record) => {
      const [sha = "", subject = "", an = "", ae = "", cn = "", ce = "", body = ""] = record.split("\x1f");
      return { sha, subject, body, author: { name: an, email: ae }, committer: { name: cn, email: ce } };
    });
}

/** Text of `path` on `branch`, or `null`. */
export async function readAt(bare: string, branch: string, path: string): Promise<string | null> {
  try {
    return (await run("git", ["--git-dir", bare, "show", `refs/heads/${branch}:${path}`])).stdout;
  } catch {
    return null;
  }
}

/** Makes the remote refuse any non-fast-forward update, so a force push would fail the test. */
async function denyForcePush(bare: string): Promise<void> {
  await run("git", ["--git-dir", bare, "config", "receive.denyNonFastForwards", "true"]);
}

/** A `pre-receive` hook refusing every update of `branch`, as a protected branch on a Git host does. */
async function protectBranch(bare: string, branch: string): Promise<void> {
  const hook = join(bare, "hooks", "pre-receive");
  await writeFile(
    hook,
    `#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = "refs/heads/${branch}" ]; then echo "protected branch: ${branch}" >&2; exit 1; fi\ndone\n`,
    { mode: 0o755 },
  );
}
