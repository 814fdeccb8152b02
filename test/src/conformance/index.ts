export * from "./git-writer.js";
export {
  describeRegistryConformance,
  REGISTRY_RESILIENCE_CASES,
  REGISTRY_SEED,
  type RegistryCase,
  type RegistryConformanceOptions,
  type RegistryFault,
  type RegistryFixture,
  type RegistryHarness,
  type RegistrySeed,
  skipResilienceCases,
} from "./registry-client.js";
