/** Core's memory adapters pass every family's suite, and the engine's behaviour suite runs over them. */
import {
  type Application,
  createMemoryPullRequests,
  createMemorySecretResolver,
  createMemorySource,
  type MemoryPullRequests,
  type MemorySource,
} from "@image-updater/core";
import {
  describeApplicationSourceConformance,
  describeEngineBehaviour,
  describeGitWriterConformance,
  describePullRequestProviderConformance,
  describeRegistryConformance,
  describeSecretResolverConformance,
  GIT_SIGNING_CASES,
  memoryGitWriterHarness,
  memoryRegistryHarness,
} from "../src/index.js";

describeRegistryConformance("memory registry", memoryRegistryHarness());

describeGitWriterConformance("memory git writer", memoryGitWriterHarness(), {
  skip: Object.fromEntries(
    GIT_SIGNING_CASES.map((name) => [name, "memory commits record the signing request but carry no signature"]),
  ),
});

describeApplicationSourceConformance("memory source", {
  async create(applications: readonly Application[]) {
    const source: MemorySource = createMemorySource({ applications });
    return {
      source,
      upsert: async (application) => source.upsert(application),
      remove: async (ref) => void source.remove(ref),
      makeUnavailable: async () => source.fail("the backend is down"),
    };
  },
});

describeSecretResolverConformance("memory secret resolver", {
  async create(secrets) {
    const resolver = createMemorySecretResolver({ secrets });
    return { resolver, set: async (namespace, name, data) => resolver.set(namespace, name, data) };
  },
});

describePullRequestProviderConformance("memory pull requests", {
  async create() {
    let refuse = false;
    let provider: MemoryPullRequests = createMemoryPullRequests();
    const repository = { url: "https://git.memory.test/org/deploy.git" };
    return {
      get provider() {
        return provider;
      },
      repository,
      async openPulls() {
        return provider.pulls.filter((pull) => pull.state === "open");
      },
      async close(number) {
        provider.close(repository.url, number);
      },
      async refuseLabels() {
        refuse = true;
        provider = createMemoryPullRequests({ refuseLabels: refuse });
      },
    };
  },
});

describeEngineBehaviour("memory adapters", { registry: memoryRegistryHarness(), git: memoryGitWriterHarness() });

describeEngineBehaviour("memory adapters with the memory source", {
  registry: memoryRegistryHarness(),
  git: memoryGitWriterHarness(),
  source: { create: async (applications) => ({ source: createMemorySource({ applications }) }) },
});
