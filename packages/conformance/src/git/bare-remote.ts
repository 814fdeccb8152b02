/**
 * A {@link GitRemoteFixture} over a bare repository on disk, for writers that reach a real git server (file,
 * smart HTTP, SSH): the suite seeds and inspects the repository with the git CLI, as another client would.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { GitRepository } from "@image-updater/core";
import { EXTERNAL_AUTHOR, type GitRemoteFixture, type LoggedCommit, type SeedFile } from "./remote.js";

const run = promisify(execFile);

/** The remote `repository` served from the bare repository `bare` (`HEAD` → `main`, no commits yet). */
export function bareRemote(bare: string, repository: GitRepository): GitRemoteFixture {
  return {
    repository,
    commit: (branch, files, message) => commitToBare(bare, branch, files, message),
    tip: (branch) => branchTip(bare, branch),
    log: (branch) => branchLog(bare, branch),
    read: (branch, path) => readAt(bare, branch, path),
    async setDefaultBranch(branch) {
      await run("git", ["--git-dir", bare, "symbolic-ref", "HEAD", `refs/heads/${branch}`]);
    },
    async denyForcePush() {
      await run("git", ["--git-dir", bare, "config", "receive.denyNonFastForwards", "true"]);
    },
    async protectBranch(branch) {
      const hook = join(bare, "hooks", "pre-receive");
      const script = `#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = "refs/heads/${branch}" ]; then echo "protected branch: ${branch}" >&2; exit 1; fi\ndone\n`;
      await writeFile(hook, script, { mode: 0o755 });
    },
    async verifySignature(sha, keys) {
      const args = ["-c", `gpg.ssh.allowedSignersFile=${keys.allowedSigners}`, "--git-dir", bare, "verify-commit", sha];
      return run("git", args, { env: { ...process.env, GNUPGHOME: keys.gnupgHome } }).then(
        () => true,
        () => false,
      );
    },
  };
}

/**
 * Commits `files` on top of `branch` (or as a root commit) directly in the bare repository, as another client's
 * push would, authored by someone else; `null` deletes a path. Resolves the new sha.
 */
export async function commitToBare(
  bare: string,
  branch: string,
  files: Readonly<Record<string, SeedFile | null>>,
  message: string,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "iu-bare-"));
  const env = {
    ...process.env,
    GIT_INDEX_FILE: join(scratch, "index"),
    GIT_AUTHOR_NAME: EXTERNAL_AUTHOR.name,
    GIT_AUTHOR_EMAIL: EXTERNAL_AUTHOR.email,
    GIT_COMMITTER_NAME: EXTERNAL_AUTHOR.name,
    GIT_COMMITTER_EMAIL: EXTERNAL_AUTHOR.email,
  };
  const git = (args: string[]) => run("git", ["--git-dir", bare, ...args], { env });
  try {
    const parent = await branchTip(bare, branch);
    if (parent) await git(["read-tree", parent]);
    for (const [path, file] of Object.entries(files)) {
      if (file === null) {
        await git(["update-index", "--force-remove", path]);
        continue;
      }
      const blobPath = join(scratch, "blob");
      await writeFile(blobPath, typeof file === "string" ? file : file.symlink);
      const sha = (await git(["hash-object", "-w", blobPath])).stdout.trim();
      const mode = typeof file === "string" ? "100644" : "120000";
      await git(["update-index", "--add", "--cacheinfo", `${mode},${sha},${path}`]);
    }
    const tree = (await git(["write-tree"])).stdout.trim();
    const parents = parent ? ["-p", parent] : [];
    const commit = (await git(["commit-tree", tree, ...parents, "--no-gpg-sign", "-m", message])).stdout.trim();
    await git(["update-ref", `refs/heads/${branch}`, commit, parent ?? ""]);
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Tip of `branch` in the bare repository, or `null`. */
export async function branchTip(bare: string, branch: string): Promise<string | null> {
  return run("git", ["--git-dir", bare, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).then(
    (result) => result.stdout.trim(),
    () => null,
  );
}

/** First-parent history of `branch`, newest first. */
export async function branchLog(bare: string, branch: string): Promise<LoggedCommit[]> {
  const format = "--format=%H%x1f%s%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%b%x1e";
  const { stdout } = await run("git", ["--git-dir", bare, "log", "--first-parent", format, `refs/heads/${branch}`]);
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
  return run("git", ["--git-dir", bare, "show", `refs/heads/${branch}:${path}`]).then(
    (result) => result.stdout,
    () => null,
  );
}
