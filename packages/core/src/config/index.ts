export { type AnnotationParseOptions, DEFAULT_ANNOTATION_PREFIX, parseApplicationAnnotations } from "./annotations.js";
export {
  type CredentialParseOptions,
  formatCredentialReference,
  parseCredentialReference,
  type ScopedCredentialReference,
} from "./credentials.js";
export { type Diagnostic, type DiagnosticSeverity, hasErrors, type ParseResult } from "./diagnostic.js";
export { parseGoDuration } from "./duration.js";
export { DOCKER_HUB_ENDPOINT, parseRegistriesConf, type RegistriesConfResult } from "./registries-conf.js";
export { INFERRED_REGISTRY_LIMIT, repositoryInRegistry, resolveRegistryEndpoint } from "./registry-endpoint.js";
export {
  BUILT_IN_STRATEGIES,
  parseAllowTags,
  parseBooleanSetting,
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
  WriteBackTarget,
  WriteBranch,
} from "./types.js";
export {
  type BranchImageChange,
  DEFAULT_BRANCH_PREFIX,
  formatImageTagsBranch,
  type GitBranchSetting,
  parseGitBranch,
  parseWriteBackMethod,
  parseWriteBackTarget,
  type WriteBackMethod,
} from "./write-back.js";
