import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { benchGitEnv } from "./git-env.js";
import { removeTempDir, tempDir } from "./resources.js";
import { runCommand } from "./run-command.js";
import { requireBinary } from "./service-process.js";

/** Options of {@link createBareRepo}. */
export interface CreateBareRepoOptions {
  /** Branch that gets the first commit and HEAD. @default "main" */
  readonly branch?: string;
  /** First commit's message. @default "initial commit" */
  readonly message?: string;
}

/** One commit as read back by {@link readBranchLog}. */
export interface BranchCommit {
  readonly sha: string;
  readonly subject: string;
  /** Body without the subject line, trailing newline removed. */
  readonly body: string;
  readonly authorName: string;
  readonly authorEmail: string;
}

function git(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return runCommand(requireBinary("git", "git"), args, { cwd: options.cwd, env: options.env ?? benchGitEnv() });
}

async function writeFiles(root: string, files: Readonly<Record<string, string | null>>): Promise<void> {
  for (const [path, contents] of Object.entries(files)) {
    const target = join(root, path);
    if (contents === null) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, contents);
  }
}

/**
 * Creates `<root>/<name>.git` (nested names allowed) holding one commit of `files` on `branch`;
 * returns the bare repository's path.
 */
export async function createBareRepo(
  root: string,
  name: string,
  files: Readonly<Record<string, string>>,
  options: CreateBareRepoOptions = {},
): Promise<string> {
  const branch = options.branch ?? "main";
  const bare = join(root, name.endsWith(".git") ? name : `${name}.git`);
  await mkdir(dirname(bare), { recursive: true });
  await git(["init", "-q", "--bare", "-b", branch, bare]);
  const scratch = tempDir("repo-seed");
  try {
    const work = join(scratch, "tree");
    await mkdir(work);
    await writeFiles(work, files);
    // A temporary index and work tree commit straight into the bare repository, no clone needed.
    const env = benchGitEnv({ GIT_INDEX_FILE: join(scratch, "index") });
    const base = [`--git-dir=${bare}`, `--work-tree=${work}`];
    await git([...base, "add", "-A"], { env });
    await git([...base, "commit", "-q", "--allow-empty", "-m", options.message ?? "initial commit"], { env });
  } finally {
    await removeTempDir(scratch);
  }
  return bare;
}

/** Every file on `branch` (path → contents, UTF-8). */
export async function readBranchFiles(barePath: string, branch: string): Promise<Record<string, string>> {
  const listing = await git([`--git-dir=${barePath}`, "ls-tree", "-r", "-z", "--full-tree", `refs/heads/${branch}`]);
  const entries: { oid: string; path: string }[] = [];
  for (const line of listing.stdout.split("\0")) {
    const groups = /^\d+ (?<type>\w+) (?<oid>[0-9a-f]+)\t(?<path>.*)$/s.exec(line)?.groups;
    if (groups?.type === "blob") entries.push({ oid: groups.oid ?? "", path: groups.path ?? "" });
  }
  const contents = await Promise.all(
    entries.map((entry) => git([`--git-dir=${barePath}`, "cat-file", "blob", entry.oid])),
  );
  return Object.fromEntries(entries.map((entry, i) => [entry.path, contents[i]?.stdout ?? ""]));
}

/** Commits on `branch`, newest first. */
export async function readBranchLog(barePath: string, branch: string): Promise<BranchCommit[]> {
  const { stdout } = await git([
    `--git-dir=${barePath}`,
    "log",
    "--format=%H%x1f%s%x1f%b%x1f%an%x1f%ae%x1e",
    `refs/heads/${branch}`,
  ]);
  return stdout
    .split("\x1e")
    .map((record) => record.replace(/^\n/, ""))
    .filter((record) => record !== "")
    .map((record) => {
      const [sha = "", subject = "", body = "", authorName = "", authorEmail = ""] = record.split("\x1f");
      return { sha, subject, body: body.replace(/\n+$/, ""), authorName, authorEmail };
    });
}

/** Options of {@link gitCommitExternal}. */
export interface ExternalCommitOptions {
  /** Author and committer of the external commit. @default "External Writer <external@example.invalid>" */
  readonly author?: { readonly name: string; readonly email: string };
}

/**
 * Simulates another writer: clones `barePath`, writes `files` (null deletes) on `branch`, commits with
 * `message` and pushes. Creates the branch from HEAD when missing. Returns the new commit's sha.
 */
export async function gitCommitExternal(
  barePath: string,
  branch: string,
  files: Readonly<Record<string, string | null>>,
  message: string,
  options: ExternalCommitOptions = {},
): Promise<string> {
  const author = options.author ?? { name: "External Writer", email: "external@example.invalid" };
  const env = benchGitEnv({
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  });
  const work = tempDir("external-writer");
  try {
    await git(["clone", "-q", barePath, work], { env });
    const hasBranch = await runCommand(
      requireBinary("git", "git"),
      ["rev-parse", "--verify", "-q", `refs/remotes/origin/${branch}`],
      { cwd: work, env, allowFailure: true },
    );
    await git(hasBranch.code === 0 ? ["checkout", "-q", branch] : ["checkout", "-q", "-b", branch], { cwd: work, env });
    await writeFiles(work, files);
    await git(["add", "-A"], { cwd: work, env });
    await git(["commit", "-q", "--allow-empty", "-m", message], { cwd: work, env });
    await git(["push", "-q", "origin", `HEAD:refs/heads/${branch}`], { cwd: work, env });
    return (await git(["rev-parse", "HEAD"], { cwd: work, env })).stdout.trim();
  } finally {
    await removeTempDir(work);
  }
}
