import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type GitHttpServer, startGitHttpServer } from "@image-updater/test/bench";
import { describeGitWriterConformance } from "@image-updater/test/conformance";
import { afterAll } from "vitest";
import { createCliGitWriter } from "../src/index.js";

const run = promisify(execFile);
const AUTH = { username: "bot", password: "s3cret-http-password" };
let server: GitHttpServer | undefined;
let cacheDir: string | undefined;
let count = 0;

afterAll(async () => {
  await server?.stop();
});

describeGitWriterConformance(
  "git-cli over smart HTTP with basic auth",
  {
    async createRemote() {
      server ??= await startGitHttpServer({ auth: AUTH });
      cacheDir = await mkdtemp(join(tmpdir(), "git-cli-http-cache-"));
      const name = `deploy-${++count}`;
      const bare = join(server.root, `${name}.git`);
      await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
      return {
        repository: { url: server.repoUrl(name), credentials: { kind: "https", ...AUTH } },
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
  { timeoutMs: 180_000 },
);
