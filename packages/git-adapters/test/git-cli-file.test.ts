import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { bareRemote, describeGitWriterConformance } from "@image-updater/conformance";
import { createCliGitWriter } from "../src/index.js";

const run = promisify(execFile);
let dir: string | undefined;

describeGitWriterConformance("git-cli over file://", {
  async createRemote() {
    dir = await mkdtemp(join(tmpdir(), "git-cli-file-"));
    const bare = join(dir, "deploy.git");
    await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
    return bareRemote(bare, { url: `file://${bare}` });
  },
  async createWriter(context) {
    return createCliGitWriter({
      cacheDir: join(dir ?? tmpdir(), "cache"),
      env: context.env,
      beforePush: context.beforePush,
    });
  },
  async cleanup() {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  },
});
