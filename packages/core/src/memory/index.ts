export {
  createMemoryRemote,
  MEMORY_EXTERNAL_AUTHOR,
  type MemoryCommit,
  type MemoryFile,
  type MemoryRemote,
  type PushRefusal,
} from "./git-remote.js";
export {
  createMemoryGitWriter,
  type MemoryGitOperation,
  type MemoryGitWriter,
  type MemoryGitWriterOptions,
  type MemoryPush,
} from "./git-writer.js";
export {
  createMemoryPullRequests,
  type MemoryPullRequest,
  type MemoryPullRequests,
  type MemoryPullRequestsOptions,
} from "./pull-requests.js";
export {
  createMemoryRegistry,
  type MemoryRegistry,
  type MemoryRegistryCalls,
  type MemoryRegistryFault,
  type MemoryRegistryOptions,
} from "./registry.js";
export type { MemoryImage, MemoryPlatformImage } from "./registry-image.js";
export {
  createMemorySecretResolver,
  type MemorySecretResolver,
  type MemorySecretResolverOptions,
} from "./secret-resolver.js";
export { createMemorySource, type MemorySource, type MemorySourceOptions } from "./source.js";
