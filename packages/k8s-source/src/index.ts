/**
 * @image-updater/k8s-source: where applications come from and where `argocd` write-back goes.
 * Today: a directory of Argo CD `Application` manifests (watched), Secrets read from manifests (registry
 * credentials, git credentials as Argo CD finds them), and the `argocd` write-back into those manifests. The Kubernetes API source implements the same core contracts.
 */
export {
  applySourceChanges,
  createDirectoryApplicationWriter,
  type DirectoryApplicationWriterOptions,
} from "./directory/application-writer.js";
export {
  createDirectorySource,
  type DirectoryScan,
  type DirectorySource,
  type DirectorySourceOptions,
} from "./directory/directory-source.js";
export {
  createDirectoryGitCredentials,
  type DirectoryGitCredentialsOptions,
} from "./directory/git-credentials.js";
export { readSecretManifests, type SecretManifest } from "./directory/secret-manifests.js";
export { createDirectorySecretResolver, type DirectorySecretResolverOptions } from "./directory/secret-resolver.js";
export type { DirectoryWarning, DirectoryWarningHandler } from "./directory/warnings.js";
export type { GitCredentialsResolver } from "./git-credentials-resolver.js";
