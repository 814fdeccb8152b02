/**
 * @image-updater/core: contracts, configuration parsing, strategies, editors, templates and the engine.
 * Pure TypeScript: every piece of I/O comes through an interface an adapter implements.
 */
export {
  type AnnotationParseOptions,
  DEFAULT_ANNOTATION_PREFIX,
  parseApplicationAnnotations,
} from "./config/annotations.js";
export {
  IMAGE_UPDATER_API_VERSION,
  type ImageUpdaterMatch,
  type ImageUpdaterOptions,
  type ImageUpdaterResolution,
  resolveImageUpdater,
} from "./config/crd.js";
export type { ImageBuildOptions } from "./config/crd-image.js";
export {
  type CredentialParseOptions,
  parseCredentialReference,
  type ScopedCredentialReference,
} from "./config/credentials.js";
export { type Diagnostic, type DiagnosticSeverity, hasErrors, type ParseResult } from "./config/diagnostic.js";
export { formatGoDuration, parseGoDuration } from "./config/duration.js";
export { type LabelSelector, type LabelSelectorRequirement, matchesLabelSelector } from "./config/label-selector.js";
export { DOCKER_HUB_ENDPOINT, parseRegistriesConf, type RegistriesConfResult } from "./config/registries-conf.js";
export {
  imageLayoutRoot,
  isDockerHub,
  repositoryInRegistry,
  resolveRegistryEndpoint,
  resolveRegistryTarget,
} from "./config/registry-endpoint.js";
export { BUILT_IN_STRATEGIES, parseAllowTags, type Setting, type SettingContext } from "./config/settings.js";
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
} from "./config/types.js";
export {
  type ArgocdSourceKind,
  type ArgocdSourceOptions,
  editArgocdSource,
  mergeArgocdSourceKustomizeImages,
} from "./editors/argocd-source.js";
export type { EditResult } from "./editors/edit-runner.js";
export { editFluxSetters } from "./editors/flux-setters.js";
export { editHelmValues } from "./editors/helm-values.js";
export { editKustomization, type KustomizeImageOverride, setKustomizeImages } from "./editors/kustomization.js";
export { type ListItem, setListInPlace } from "./editors/list-splice.js";
export { editManifests } from "./editors/manifests.js";
export type { ImageChange, ImageValueNames } from "./editors/types.js";
export { parseLabelSelectorText } from "./engine/application-filter.js";
export type {
  ConfigDiagnosticEvent,
  CycleCounters,
  CycleDeferredEvent,
  CycleFinishedEvent,
  CycleStartedEvent,
  EventMap,
  ImageEventBase,
  ImageFailedEvent,
  ImageNoCandidateEvent,
  ImageSkippedEvent,
  ImageUpdatingEvent,
  ImageUpToDateEvent,
  ImageVanishedEvent,
  PullRequestOpenedEvent,
  TypedEmitter,
  UpdaterEvents,
  WritebackCommittedEvent,
  WritebackFailedEvent,
  WritebackGaveUpEvent,
  WritebackSkippedEvent,
} from "./engine/events.js";
export {
  type ApplicationImages,
  type ApplicationImagesInput,
  type BranchViews,
  readApplicationImages,
} from "./engine/live-images.js";
export {
  createPushRetryBudget,
  DEFAULT_PUSH_RETRIES_PER_GROUP,
} from "./engine/push-retry-budget.js";
export { kustomizeImageKey } from "./engine/source-spec.js";
export type {
  ApplicationResult,
  CommitSettings,
  ConfigResolver,
  CycleResult,
  GitCredentialsRequest,
  ImageResult,
  ImageTrigger,
  RunOptions,
  UpdaterOptions,
} from "./engine/types.js";
export { createUpdater, Updater } from "./engine/updater.js";
export { locateWriteBack, type WriteBackLocation } from "./engine/write-back-location.js";
export {
  type ErrorCode,
  GitWriteError,
  type GitWriteErrorOptions,
  type GitWriteStep,
  ImageUpdaterError,
  type ImageUpdaterErrorOptions,
  isImageUpdaterError,
  PushGaveUpError,
  type PushGaveUpErrorOptions,
  type PushGiveUpLimit,
  RegistryError,
  type RegistryErrorOptions,
  SourceError,
} from "./errors.js";
export { type CommitParent, type CommitParentState, chooseCommitParent, isOwnCommit } from "./git/commit-parent.js";
export { pushGiveUpReason } from "./git/push-give-up.js";
export { repositoryKey } from "./git/repository-url.js";
export {
  findRepositorySecret,
  gitCredentialsFromSecret,
  type LabelledSecret,
  missingGitCredentialFields,
} from "./git/secret-credentials.js";
export type {
  CommitAuthorship,
  CommitRequest,
  CommitResult,
  CommitSigning,
  FileChange,
  GitCredentials,
  GitIdentity,
  GitRepository,
  GitWriter,
  PullRequestProvider,
  PullRequestRequest,
  PullRequestResult,
  PushRetryBudget,
  RepositoryFiles,
} from "./git/types.js";
export { type ImageListEntry, parseImageListEntry } from "./image/image-list.js";
export { matchesPlatform, type PlatformParseOptions, parsePlatform } from "./image/platform.js";
export {
  DOCKER_HUB_REGISTRY,
  type FormatImageOptions,
  formatImage,
  type ImageNameStyle,
  type ImageParseOptions,
  type ImageReference,
  normalizeImageName,
  type ParsedImageName,
  parseImageName,
  parseImageReference,
  sameImage,
} from "./image/reference.js";
export type { MemoryCommit, MemoryFile, MemoryRemote, PushRefusal } from "./memory/git-remote.js";
export {
  createMemoryGitWriter,
  type MemoryGitOperation,
  type MemoryGitWriter,
  type MemoryGitWriterOptions,
  type MemoryPush,
} from "./memory/git-writer.js";
export {
  createMemoryPullRequests,
  type MemoryPullRequest,
  type MemoryPullRequests,
  type MemoryPullRequestsOptions,
} from "./memory/pull-requests.js";
export {
  createMemoryRegistry,
  type MemoryRegistry,
  type MemoryRegistryCalls,
  type MemoryRegistryFault,
  type MemoryRegistryOptions,
} from "./memory/registry.js";
export type { MemoryImage, MemoryPlatformImage } from "./memory/registry-image.js";
export {
  createMemorySecretResolver,
  type MemorySecretResolver,
  type MemorySecretResolverOptions,
} from "./memory/secret-resolver.js";
export { createMemorySource, type MemorySource, type MemorySourceOptions } from "./memory/source.js";
export { redactUrlUserinfo } from "./redact.js";
export type { CircuitBreakerOptions } from "./registry/circuit-breaker.js";
export type { MetadataCache, MetadataCacheOptions } from "./registry/metadata-cache.js";
export {
  type PolicyRegistryClient,
  type RegistryPolicyOptions,
  rateLimitOfEndpoints,
  rateLimitsFromEndpoints,
  withRegistryPolicies,
} from "./registry/policies.js";
export type {
  RegistryCallCount,
  RegistryCallEvent,
  RegistryCallMethod,
  RegistryCallOutcome,
} from "./registry/request-counter.js";
export type { RetryOptions } from "./registry/retry.js";
export { createRegistryRouter, type RegistryRouter, type RegistryRouterOptions } from "./registry/router.js";
export type {
  CredentialReference,
  ImageMetadata,
  ImageRepository,
  ManifestKind,
  ManifestMetadata,
  MetadataOptions,
  Platform,
  RegistryCapabilities,
  RegistryClient,
  RegistryCredentials,
  RegistryEndpoint,
  RegistryHttpRequest,
  RegistryHttpRequestKind,
  RegistryRequestEvent,
  RegistryRequestOptions,
  RequestOptions,
  SecretResolver,
  TagSortMode,
} from "./registry/types.js";
export { declaredSourceType } from "./source/application-sources.js";
export type {
  Application,
  ApplicationEvent,
  ApplicationRef,
  ApplicationSource,
  ApplicationSourceSpec,
  ApplicationSourceType,
  ApplicationWriter,
  HelmParameter,
} from "./source/types.js";
export { decideUpdate } from "./strategy/decide.js";
export {
  type ConsideredTagJson,
  type DecisionJson,
  describeConsideredTag,
  toDecisionJson,
} from "./strategy/decision-json.js";
export { compileGlob, type GlobCompileResult } from "./strategy/glob.js";
export {
  type FindLiveImageOptions,
  findLiveImage,
  isSameImage,
  type LiveImage,
  type NeedsUpdateInput,
  type NeedsUpdateReason,
  type NeedsUpdateResult,
  needsUpdate,
} from "./strategy/needs-update.js";
export { createBuiltinStrategies, createStrategyRegistry, type StrategyRegistryOptions } from "./strategy/registry.js";
export type {
  ConsideredTag,
  CurrentImage,
  DecideUpdateInput,
  Decision,
  DecisionWarning,
  StrategyContext,
  StrategyOptions,
  StrategyPrepareFailure,
  StrategyRanker,
  StrategyRegistry,
  TagCandidate,
  TagExtraction,
  TagMetadataProvider,
  TagVerdict,
  TagVerdictReason,
  UpdateStrategy,
} from "./strategy/types.js";
export {
  type ApplicationChanges,
  type CommitMessageApplication,
  type CommitMessageChange,
  type CommitMessageData,
  commitMessageData,
  renderCommitMessage,
} from "./template/commit-message.js";
export { TemplateError, type TemplateErrorOptions } from "./template/position.js";
export type { Template } from "./template/render.js";
export {
  MAX_DOCUMENTS_PER_FILE,
  MAX_MANIFEST_FILE_BYTES,
  MAX_YAML_ALIASES,
  MAX_YAML_DEPTH,
  MAX_YAML_KEY_LENGTH,
} from "./yaml/limits.js";
export { type ParseSteps, runSteps, runStepsSliced, YAML_SLICE_MS } from "./yaml/sliced.js";
