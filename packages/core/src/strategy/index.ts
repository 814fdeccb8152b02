/**
 * The strategy engine: choose a tag by policy (semver, newest-build, alphabetical, digest, numerical, or a
 * registered one), with argocd-image-updater's filters and an explanation for every tag.
 */
export { createAlphabeticalStrategy } from "./alphabetical.js";
export {
  type ConstraintMismatch,
  type ConstraintParseResult,
  parseVersionConstraint,
  type VersionConstraint,
} from "./constraint.js";
export { decideUpdate } from "./decide.js";
export {
  type ConsideredTagJson,
  type DecisionJson,
  describeConsideredTag,
  toDecisionJson,
} from "./decision-json.js";
export { createDigestStrategy } from "./digest.js";
export { type CompiledExtraction, compileExtraction } from "./extract.js";
export { compileGlob, type GlobCompileResult, matchesGlob } from "./glob.js";
export { type FetchedTag, type FetchTagsOptions, fetchTags } from "./metadata.js";
export { compareNatural } from "./natural-compare.js";
export {
  type FindLiveImageOptions,
  findLiveImage,
  isSameImage,
  type LiveImage,
  type NeedsUpdateInput,
  type NeedsUpdateReason,
  type NeedsUpdateResult,
  needsUpdate,
  resolveCurrentImage,
} from "./needs-update.js";
export { createNewestBuildStrategy } from "./newest-build.js";
export { createNumericalStrategy, parseTagNumber } from "./numerical.js";
export { compilePattern, type PatternCompileResult } from "./regexp.js";
export { createBuiltinStrategies, createStrategyRegistry, type StrategyRegistryOptions } from "./registry.js";
export { createSemverStrategy, sortBySemver } from "./semver.js";
export { createTagFilters, type FilterVerdict, type TagFilters } from "./tag-filters.js";
export type * from "./types.js";
export {
  compareText,
  compareVersions,
  compareVersionsWithTieBreak,
  parseVersion,
  type Version,
} from "./version.js";
