/**
 * The real-service test bench: Distribution registries (no auth, htpasswd, Docker Hub token flow), an image
 * pusher, a scripted registry for what Distribution 2.8 cannot do, and git servers over HTTP and SSH.
 * Everything binds 127.0.0.1 on ephemeral ports and is cleaned up by PID and temp dir on stop().
 */

export {
  ACCEPT_ALL_MANIFESTS,
  type BuiltContent,
  type BuiltImage,
  type BuiltManifest,
  buildImage,
  type ImageSpec,
  type ImageSpecPlatform as Platform,
  MEDIA_TYPES,
  sha256Digest,
  toPlatform,
} from "@image-updater/conformance";
export {
  createSelfSignedCertificate,
  type SelfSignedCertificate,
  type SelfSignedCertificateOptions,
} from "./certificate.js";
export { type CountingProxy, type ProxiedRequest, startCountingProxy } from "./counting-proxy.js";
export { BenchError } from "./errors.js";
export { type ForeignGitWriter, type ForeignGitWriterOptions, startForeignGitWriter } from "./foreign-writer.js";
export { BENCH_GIT_AUTHOR, benchGitEnv } from "./git-env.js";
export {
  type GitHttpRequest,
  type GitHttpServer,
  type GitHttpServerOptions,
  startGitHttpServer,
} from "./git-http-server.js";
export {
  type BranchCommit,
  type CreateBareRepoOptions,
  createBareRepo,
  type ExternalCommitOptions,
  gitCommitExternal,
  readBranchFiles,
  readBranchLog,
} from "./git-repo.js";
export { type PushedImage, type PushImagesOptions, pushImage, pushImages } from "./image-pusher.js";
export { freePort } from "./ports.js";
export { type RegistryOptions, type RegistryServer, startRegistry } from "./registry.js";
export { parseAuthChallenge, type RegistryTarget } from "./registry-http-client.js";
export {
  type BenchResources,
  benchResources,
  cleanupBench,
  isProcessAlive,
  removeTempDir,
  tempDir,
} from "./resources.js";
export { type CommandResult, type RunCommandOptions, runCommand } from "./run-command.js";
export {
  type ScriptedAuth,
  type ScriptedFault,
  type ScriptedRegistry,
  type ScriptedRegistryScript,
  type ScriptedRequest,
  type ScriptedRequestFilter,
  startScriptedRegistry,
} from "./scripted-registry.js";
export { requireBinary } from "./service-process.js";
export { type SshGitServer, type SshGitServerOptions, startSshGitServer } from "./ssh-git-server.js";
export { generateSshKey, type SshKeyPair } from "./ssh-keys.js";
export type { TokenAccess, TokenGrant } from "./token-server.js";
