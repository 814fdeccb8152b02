/**
 * @image-updater/conformance: one suite per adapter family, each taking only a harness that makes a fresh
 * adapter, plus the engine's behaviour suite over a set of adapters. Cases are contract sentences; opt-outs
 * are typed by case name and carry a reason.
 */
export type { Skips, SuiteOptions } from "./cases.js";
export {
  describeEngineBehaviour,
  ENGINE_SEED,
  type EngineBehaviourCase,
  type EngineBehaviourHarness,
  type EngineBehaviourOptions,
} from "./engine/engine-behaviour.js";
export { bareRemote, branchLog, branchTip, commitToBare, readAt } from "./git/bare-remote.js";
export {
  describeGitWriterConformance,
  GIT_SIGNING_CASES,
  type GitWriterCase,
  type GitWriterConformanceOptions,
  type GitWriterContext,
  type GitWriterHarness,
  gitWriterCases,
} from "./git/git-writer.js";
export { memoryRemote } from "./git/memory-remote.js";
export { EXTERNAL_AUTHOR, type GitRemoteFixture, type LoggedCommit, type SeedFile } from "./git/remote.js";
export { createSigningKeys, type SigningKeys, SUITE_AUTHOR } from "./git/signing-keys.js";
export { memoryGitWriterHarness, memoryRegistryHarness } from "./memory-harnesses.js";
export {
  type BackendPull,
  describePullRequestProviderConformance,
  type PullRequestCase,
  type PullRequestConformanceOptions,
  type PullRequestFixture,
  type PullRequestHarness,
} from "./pull-requests/pull-request-provider.js";
export {
  type BuiltContent,
  type BuiltImage,
  type BuiltManifest,
  buildImage,
  type ImageSpec,
  type Platform as ImageSpecPlatform,
  sha256Digest,
  toPlatform,
} from "./registry/image-builder.js";
export { ACCEPT_ALL_MANIFESTS, MEDIA_TYPES } from "./registry/media-types.js";
export { memoryImagesOf } from "./registry/memory-seed.js";
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
} from "./registry/registry-client.js";
export {
  describeSecretResolverConformance,
  SECRET_SEED,
  type SecretResolverCase,
  type SecretResolverConformanceOptions,
  type SecretResolverFixture,
  type SecretResolverHarness,
  type SecretSeed,
} from "./secrets/secret-resolver.js";
export {
  APPLICATION_SEED,
  type ApplicationSourceCase,
  type ApplicationSourceConformanceOptions,
  type ApplicationSourceFixture,
  type ApplicationSourceHarness,
  describeApplicationSourceConformance,
} from "./source/application-source.js";
