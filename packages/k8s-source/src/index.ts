/**
 * @image-updater/k8s-source: where applications come from and where `argocd` write-back goes.
 * Today: a directory of Argo CD `Application` manifests (watched), Secrets read from manifests (registry
 * credentials, git credentials as Argo CD finds them), and the `argocd` write-back into those manifests. The Kubernetes API source implements the same core contracts.
 */
export {
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
  type GitCredentialsResolver,
} from "./directory/git-credentials.js";
export {
  MAX_DOCUMENTS_PER_FILE,
  MAX_MANIFEST_FILE_BYTES,
  MAX_YAML_ALIASES,
  MAX_YAML_DEPTH,
  MAX_YAML_KEY_LENGTH,
  type ManifestDocument,
  type ManifestScan,
  parseManifestText,
  type ScanOptions,
  scanManifests,
} from "./directory/manifest-files.js";
export { createDirectorySecretResolver, type DirectorySecretResolverOptions } from "./directory/secret-resolver.js";
export type { DirectoryWarning, DirectoryWarningHandler } from "./directory/warnings.js";
