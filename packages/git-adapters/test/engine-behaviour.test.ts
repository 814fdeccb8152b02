/** The engine's behaviour suite with git-cli against a real git http-backend (the registry in memory). */
import { type GitHttpServer, startGitHttpServer } from "@image-updater/bench";
import { describeEngineBehaviour, memoryRegistryHarness } from "@image-updater/conformance";
import { afterAll } from "vitest";
import { createServedRemoteHarness } from "./served-remote-harness.js";

let server: GitHttpServer | undefined;
let count = 0;
afterAll(async () => {
  await server?.stop();
});

describeEngineBehaviour("git-cli over smart HTTP, memory registry", {
  registry: memoryRegistryHarness(),
  git: createServedRemoteHarness("git-cli-engine-cache-", async () => {
    server ??= await startGitHttpServer();
    const name = `engine-${++count}`;
    return { root: server.root, name, repository: { url: server.repoUrl(name) } };
  }),
});
