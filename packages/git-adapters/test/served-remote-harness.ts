/**
 * The git-cli conformance harness for a remote a server serves (smart HTTP, SSH): each test gets a fresh empty
 * bare repository under the server's root and a fresh clone cache, removed after the test.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { bareRemote, type GitWriterHarness } from "@image-updater/conformance";
import type { GitRepository } from "@image-updater/core";
import { createCliGitWriter } from "../src/index.js";

const run = promisify(execFile);

/** One repository the server will serve. */
export interface ServedRepository {
  /** Directory the server serves bare repositories from. */
  readonly root: string;
  /** Bare repository name, without `.git`; fresh for each call. */
  readonly name: string;
  /** What the writer is given: the served URL and credentials. */
  readonly repository: GitRepository;
}

/** A {@link GitWriterHarness} over `serve`, which starts the server on first use and names a fresh repository. */
export function createServedRemoteHarness(
  cachePrefix: string,
  serve: () => Promise<ServedRepository>,
): GitWriterHarness {
  let cacheDir: string | undefined;
  return {
    async createRemote() {
      const { root, name, repository } = await serve();
      cacheDir = await mkdtemp(join(tmpdir(), cachePrefix));
      const bare = join(root, `${name}.git`);
      await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
      return bareRemote(bare, repository);
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
  };
}
