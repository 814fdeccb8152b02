/** The engine's behaviour suite with the OCI client against a real docker-registry, and with the layout client. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupBench, type RegistryServer, startRegistry } from "@image-updater/bench";
import { describeEngineBehaviour, memoryGitWriterHarness } from "@image-updater/conformance";
import { afterAll } from "vitest";
import { createOciLayoutClient, createOciRegistryClient } from "../src/index.js";
import { benchEndpoint, pushSeed } from "./harness.js";
import { writeLayouts } from "./layout-writer.js";

afterAll(cleanupBench);

let registry: Promise<RegistryServer> | undefined;
describeEngineBehaviour("oci-distribution against docker-registry, memory git", {
  registry: {
    async create(seed) {
      registry ??= startRegistry().then(async (server) => {
        await pushSeed(server, seed);
        return server;
      });
      const server = await registry;
      return {
        client: createOciRegistryClient({ endpoints: [benchEndpoint(server.host, server.url)] }),
        registry: server.host,
      };
    },
  },
  git: memoryGitWriterHarness(),
});

const roots: string[] = [];
describeEngineBehaviour("oci-layout, memory git", {
  registry: {
    async create(seed) {
      const root = await mkdtemp(join(tmpdir(), "engine-layout-"));
      roots.push(root);
      await writeLayouts(root, seed);
      return { client: createOciLayoutClient({ root }), registry: "layout.local" };
    },
    async cleanup() {
      await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
    },
  },
  git: memoryGitWriterHarness(),
});
