/**
 * Another writer of a served repository, as a person or a second tool would be: its own clone of the
 * repository's URL, pushing commits of its own over the same protocol. Tests race the updater with it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { benchGitEnv } from "./git-env.js";
import { removeTempDir, tempDir } from "./resources.js";
import { runCommand } from "./run-command.js";
import { requireBinary } from "./service-process.js";

/** Options of {@link startForeignGitWriter}. */
export interface ForeignGitWriterOptions {
  /** Clone URL (the git http server's `repoUrl(name)`, a `file://` URL). */
  readonly url: string;
  /** Branch it pushes to. */
  readonly branch: string;
}

/** A running foreign writer. */
export interface ForeignGitWriter {
  /** Commits one new file on the branch's current tip and pushes it, rebuilding on a lost race; resolves its sha. */
  push(): Promise<string>;
  /** Every commit it pushed, in order. */
  readonly pushed: readonly string[];
  /** Removes its clone. */
  stop(): Promise<void>;
}

/** Clones `url` and returns a {@link ForeignGitWriter} on `branch`. */
export async function startForeignGitWriter(options: ForeignGitWriterOptions): Promise<ForeignGitWriter> {
  const git = requireBinary("git", "git");
  const env = benchGitEnv({
    GIT_AUTHOR_NAME: "Foreign Writer",
    GIT_AUTHOR_EMAIL: "foreign@example.invalid",
    GIT_COMMITTER_NAME: "Foreign Writer",
    GIT_COMMITTER_EMAIL: "foreign@example.invalid",
  });
  const work = tempDir("foreign-writer");
  await runCommand(git, ["clone", "-q", options.url, work], { env });
  const pushed: string[] = [];
  const inWork = (args: readonly string[], allowFailure = false) =>
    runCommand(git, args, { cwd: work, env, allowFailure });
  return {
    pushed,
    async push() {
      const n = pushed.length + 1;
      for (let attempt = 1; attempt <= 10; attempt++) {
        await inWork(["fetch", "-q", "origin"]);
        await inWork(["checkout", "-q", "-B", options.branch, `origin/${options.branch}`]);
        await mkdir(join(work, "foreign"), { recursive: true });
        await writeFile(join(work, "foreign", `${n}.txt`), `${n}\n`);
        await inWork(["add", "-A"]);
        await inWork(["commit", "-q", "-m", `foreign ${n}`]);
        const result = await inWork(["push", "-q", "origin", `HEAD:refs/heads/${options.branch}`], true);
        if (result.code === 0) {
          const sha = (await inWork(["rev-parse", "HEAD"])).stdout.trim();
          pushed.push(sha);
          return sha;
        }
      }
      throw new Error(`the foreign writer could not push to ${options.branch} in 10 attempts`);
    },
    stop: () => removeTempDir(work),
  };
}
