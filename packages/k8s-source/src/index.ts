/**
 * @image-updater/k8s-source: where applications come from and where `argocd` write-back goes.
 * Two homes for the same core contracts: the Kubernetes API (list/watch of Applications, Secrets, the
 * `argocd` write-back as a patch) and a directory of Argo CD manifests (watched), with Secrets and git
 * credentials read as Argo CD finds them.
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
} from "./directory/git-credentials.js";
export {
  MAX_DOCUMENTS_PER_FILE,
  MAX_MANIFEST_FILE_BYTES,
  MAX_YAML_ALIASES,
  MAX_YAML_DEPTH,
  MAX_YAML_KEY_LENGTH,
  type ManifestDocument,
  type ManifestScan,
  type ParsedManifest,
  parseManifestText,
  parseManifestTextAsync,
  type ScanOptions,
  scanManifests,
} from "./directory/manifest-files.js";
export { createDirectorySecretResolver, type DirectorySecretResolverOptions } from "./directory/secret-resolver.js";
export type { DirectoryWarning, DirectoryWarningHandler } from "./directory/warnings.js";
export type { GitCredentialsResolver } from "./git-credentials-resolver.js";
export {
  createImageUpdaterResources,
  type ImageUpdaterResources,
  type ImageUpdaterResourcesOptions,
} from "./kubernetes/image-updater-resources.js";
export {
  type CallOptions,
  createKubeClient,
  KubeApiError,
  type KubeApiRequestEvent,
  type KubeCallTarget,
  type KubeClient,
  type KubeClientOptions,
} from "./kubernetes/kube-client.js";
export { hasKubeConfig, isInCluster, type KubeConfigOptions, loadKubeConfig } from "./kubernetes/kube-config.js";
export {
  createKubernetesApplicationWriter,
  type KubernetesApplicationWriterOptions,
} from "./kubernetes/kubernetes-application-writer.js";
export {
  createKubernetesEventRecorder,
  type ImageUpdateNote,
  type KubernetesEventRecorder,
  type KubernetesEventRecorderOptions,
} from "./kubernetes/kubernetes-events.js";
export {
  createKubernetesSecrets,
  type KubernetesSecrets,
  type KubernetesSecretsOptions,
} from "./kubernetes/kubernetes-secrets.js";
export {
  createKubernetesSource,
  type KubernetesSource,
  type KubernetesSourceOptions,
  type KubernetesSourceWarning,
} from "./kubernetes/kubernetes-source.js";
export {
  createLeaderElector,
  LEADER_ELECTION_ID,
  type LeaderElector,
  type LeaderElectorOptions,
} from "./kubernetes/leader-election.js";
