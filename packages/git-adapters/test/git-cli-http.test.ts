import { type GitHttpServer, startGitHttpServer } from "@image-updater/bench";
import { describeGitWriterConformance } from "@image-updater/conformance";
import { afterAll } from "vitest";
import { createServedRemoteHarness } from "./served-remote-harness.js";

const AUTH = { username: "bot", password: "s3cret-http-password" };
let server: GitHttpServer | undefined;
let count = 0;

afterAll(async () => {
  await server?.stop();
});

describeGitWriterConformance(
  "git-cli over smart HTTP with basic auth",
  createServedRemoteHarness("git-cli-http-cache-", async () => {
    server ??= await startGitHttpServer({ auth: AUTH });
    const name = `deploy-${++count}`;
    return {
      root: server.root,
      name,
      repository: { url: server.repoUrl(name), credentials: { kind: "https", ...AUTH } },
    };
  }),
  { timeoutMs: 180_000 },
);
