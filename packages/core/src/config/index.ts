export { type AnnotationParseOptions, DEFAULT_ANNOTATION_PREFIX, parseApplicationAnnotations } from "./annotations.js";
export {
  applicationRefSpecificity,
  IMAGE_UPDATER_API_VERSION,
  type ImageUpdaterMatch,
  type ImageUpdaterOptions,
  type ImageUpdaterResolution,
  resolveImageUpdater,
} from "./crd.js";
export type { ImageBuildOptions } from "./crd-image.js";
export { PULL_REQUEST_BRANCH_TEMPLATE } from "./crd-write-back.js";
export {
  type CredentialParseOptions,
  formatCredentialReference,
  parseCredentialReference,
  type ScopedCredentialReference,
} from "./credentials.js";
export { type Diagnostic, type DiagnosticSeverity, hasErrors, type ParseResult } from "./diagnostic.js";
export { formatGoDuration, parseGoDuration } from "./duration.js";
export {
  type LabelSelector,
  type LabelSelectorRequirement,
  matchesLabelSelector,
  parseLabelSelector,
} from "./label-selector.js";
export { DOCKER_HUB_ENDPOINT, parseRegistriesConf, type RegistriesConfResult } from "./registries-conf.js";
export {
  INFERRED_REGISTRY_LIMIT,
  imageLayoutRoot,
  isDockerHub,
  repositoryInRegistry,
  resolveRegistryEndpoint,
  resolveRegistryTarget,
} from "./registry-endpoint.js";
export {
  BUILT_IN_STRATEGIES,
  parseAllowTags,
  parseBooleanSetting,
  parseFluxPolicy,
  parseGlobList,
  parseIgnoreTags,
  parseStrategyName,
  type Setting,
  type SettingContext,
  STRATEGY_ALIASES,
} from "./settings.js";
export type {
  ApplicationConfigResult,
  ApplicationUpdateConfig,
  GitCredentialsSource,
  GitWriteBackConfig,
  HelmImageParameters,
  ImageUpdateConfig,
  KustomizeImageSettings,
  ManifestTargetKind,
  PluginImageParameters,
  PullRequestConfig,
  TagMatcher,
  WriteBackConfig,
  WriteBackMethodName,
  WriteBackTarget,
} from "./types.js";
export {
  checkRepositoryUrl,
  DEFAULT_BRANCH_PREFIX,
  type GitBranchSetting,
  parseGitBranch,
  parseWriteBackMethod,
  parseWriteBackTarget,
  type WriteBackMethod,
} from "./write-back.js";
