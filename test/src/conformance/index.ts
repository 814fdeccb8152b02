export * from "./git-writer.js";
export {
  describeRegistryConformance,
  REGISTRY_SEED,
  type RegistryCase,
  type RegistryConformanceOptions,
  type RegistryFixture,
  type RegistryHarness,
  type RegistrySeed,
} from "./registry-client.js";
