/**
 * Harnesses over core's memory adapters, for the family suites and for engine runs that pair one real adapter
 * with memory for the rest (a real registry and a memory git remote, say).
 */
import {
  createMemoryGitWriter,
  createMemoryRegistry,
  type MemoryGitWriter,
  type MemoryPush,
} from "@image-updater/core";
import type { GitWriterHarness } from "./git/git-writer.js";
import { memoryRemote } from "./git/memory-remote.js";
import { memoryImagesOf } from "./registry/memory-seed.js";
import type { RegistryHarness } from "./registry/registry-client.js";

/** A memory registry holding the seed, served for `registry.memory.test`; faults injectable. */
export function memoryRegistryHarness(): RegistryHarness {
  return {
    async create(seed) {
      const client = createMemoryRegistry({ images: memoryImagesOf(seed), timeoutMs: 200 });
      return { client, registry: "registry.memory.test", inject: (fault) => client.fail(fault) };
    },
  };
}

/**
 * A memory git writer with a fresh remote per test. The writer holds its remotes, so it is made with the
 * remote and handed out by `createWriter`, wired to the suite's `beforePush`.
 */
export function memoryGitWriterHarness(): GitWriterHarness {
  let writer: MemoryGitWriter | undefined;
  let hook: ((push: MemoryPush) => Promise<void>) | undefined;
  let count = 0;
  return {
    async createRemote() {
      writer = createMemoryGitWriter({ maxAttempts: 3, beforePush: (push) => hook?.(push) });
      return memoryRemote(writer.remote(`https://git.memory.test/deploy-${++count}.git`));
    },
    async createWriter(context) {
      if (writer === undefined) throw new Error("createRemote() first");
      hook = () => context.beforePush();
      return writer;
    },
  };
}
