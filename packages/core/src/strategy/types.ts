/**
 * The strategy contract: how a tag is chosen among a repository's tags. Built-in strategies (semver,
 * newest-build, alphabetical, digest, numerical) implement {@link UpdateStrategy}; users register their own
 * in a {@link StrategyRegistry}. {@link decideUpdate} runs the shared pipeline around them: filters, lazy
 * metadata, the downgrade guard and the explanation.
 */
import type { TagMatcher } from "../config/types.js";
import type { ImageUpdaterError } from "../errors.js";
import type { ManifestMetadata, Platform, RequestOptions, TagSortMode } from "../registry/types.js";

/**
 * Sorting on part of a tag, as Flux's `filterTags.extract`: tags the pattern does not match are dropped, the
 * strategy ranks the extracted text, and the original tag is written back (`build-20240102-1a2b3c` → `20240102`).
 */
export interface TagExtraction {
  /** RE2 pattern, unanchored. */
  readonly pattern: string;
  /**
   * Capture group to rank on: a number, a name, or Flux's spelling (`$1`, `$ts`, `${ts}`).
   * @default 1 when the pattern has a capture group, else the whole match
   */
  readonly group?: number | string;
}

/** The image as it runs now. `null` in {@link DecideUpdateInput.current} means nothing runs yet. */
export interface CurrentImage {
  /** Tag of the running image; absent when it runs by digest only or has no tag. */
  readonly tag?: string;
  /** Digest of the running image (`sha256:…`), when known. */
  readonly digest?: string;
}

/**
 * Reads a tag's manifest metadata on demand. The engine calls it only for strategies that need metadata and
 * only for tags that survived every filter, with bounded concurrency. Implementations usually wrap a
 * `RegistryClient` and its caches.
 */
export interface TagMetadataProvider {
  /**
   * Metadata of `tag`, or `null` when the tag no longer exists. Rejects (with an `ImageUpdaterError`) when the
   * registry cannot be read; the decision then becomes an `error` rather than a choice made on partial data.
   */
  get(tag: string, options?: RequestOptions): Promise<ManifestMetadata | null>;
  /**
   * Digest of `tag` only, through the cheapest request (`HEAD`). Optional; used instead of {@link get} by
   * strategies that need nothing but the digest when no platform filter applies, and, after {@link get}, to
   * ask the tags that can win where they point now (a cache behind {@link get} may remember where a tag
   * pointed before it was pushed again). Without it, what {@link get} answers is trusted as it is.
   */
  getDigest?(tag: string, options?: RequestOptions): Promise<string | null>;
}

/** One tag as a strategy sees it. */
export interface TagCandidate {
  /** The tag as the registry lists it; the value written back. */
  readonly tag: string;
  /** What the strategy ranks: the tag, or the text {@link TagExtraction} extracted from it. */
  readonly value: string;
  /** Position in the registry's listing, from 0. */
  readonly position: number;
  /** Manifest digest, when metadata or a digest was fetched. */
  readonly digest?: string;
  /**
   * Build time: config `created` (the newest of the platform-matching index children), or a synthetic time
   * from the listing order when the registry sets `tagsortmode`. Absent when unknown.
   */
  readonly createdAt?: Date;
  /** The fetched metadata, when the strategy needed it. */
  readonly metadata?: ManifestMetadata;
}

/** Options some strategies honour. */
export interface StrategyOptions {
  /**
   * `asc` picks the greatest value (the default everywhere), `desc` the smallest; as Flux's `order` for
   * alphabetical and numerical.
   * @default "asc"
   */
  readonly order?: "asc" | "desc";
  /** Alphabetical only: compare digit runs as numbers (`1.9` < `1.10`, `26` < `226`). @default false */
  readonly naturalSort?: boolean;
}

/** What a strategy's {@link UpdateStrategy.prepare} receives. */
export interface StrategyContext {
  /** The constraint written after `:` in the image reference (`~1.2`, `latest`); absent when none. */
  readonly constraint?: string;
  /** Ordering options of this decision. */
  readonly options: StrategyOptions;
}

/** Why a tag was kept or dropped. Stable strings: tests, JSON output and dashboards rely on them. */
export type TagVerdictReason =
  /** Kept: passed every filter and the strategy. */
  | "allowed"
  /** Dropped by `allow-tags` (not matched, `none`, or an invalid expression failing closed). */
  | "allow-tags"
  /** Dropped by an `ignore-tags` glob. */
  | "ignore-tags"
  /** The extraction pattern did not match the tag. */
  | "extract"
  /** The strategy cannot read the tag (not a version, not a number). */
  | "unparsable"
  /** Outside the version constraint. */
  | "constraint"
  /** A pre-release, and the constraint names none. */
  | "pre-release"
  /** Digest strategy: not the tracked tag. */
  | "not-tracked"
  /** The tag vanished between listing and reading its manifest, or its manifest lacks what the strategy needs. */
  | "no-metadata"
  /** No manifest (or index child) for a wanted platform. */
  | "platform"
  /** Ranks below the running tag, and downgrades are not allowed. */
  | "downgrade";

/** A strategy's judgement of one candidate. */
export type TagVerdict =
  | { readonly kept: true }
  | { readonly kept: false; readonly reason: TagVerdictReason; readonly detail?: string };

/** A strategy bound to one constraint and set of options, ready to judge and rank candidates. */
export interface StrategyRanker {
  /**
   * Judges a candidate before any metadata is fetched, so dropped tags cost no request. Pure, never throws.
   */
  evaluate(candidate: TagCandidate): TagVerdict;
  /**
   * Total, deterministic order over kept candidates, ascending: the last one is the best. Must not return 0 for
   * two different tags (break ties on the tag text) so results never depend on listing order.
   */
  compare(a: TagCandidate, b: TagCandidate): number;
  /** One sentence saying why `winner` beat the other `keptCount - 1` candidates. */
  explain(winner: TagCandidate, keptCount: number): string;
}

/** What {@link UpdateStrategy.prepare} returns when the constraint cannot be used. */
export interface StrategyPrepareFailure {
  /** What is wrong and what to write instead. */
  readonly error: string;
}

/**
 * A way to choose a tag. Implementations are plain objects; they do no I/O and never throw on user input.
 *
 * @example A strategy that picks the longest tag:
 * ```ts
 * const longest: UpdateStrategy = {
 *   name: "longest",
 *   needsMetadata: false,
 *   prepare: () => ({
 *     evaluate: () => ({ kept: true }),
 *     compare: (a, b) => a.value.length - b.value.length || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0),
 *     explain: (winner) => `${winner.tag} is the longest tag`,
 *   }),
 * };
 * registry.register(longest);
 * ```
 */
export interface UpdateStrategy {
  /** Canonical name, lowercase kebab-case, as written in `update-strategy`. */
  readonly name: string;
  /** Other names resolving to this strategy (`latest` for newest-build). Lowercase. */
  readonly aliases?: readonly string[];
  /**
   * What the engine must fetch per surviving tag before ranking: nothing, the digest only (`HEAD` when no
   * platform filter applies), or full metadata (created time, platforms, digest).
   */
  readonly needsMetadata: false | "digest" | "full";
  /**
   * Whether "never below the running tag" applies. `false` for strategies that follow one tag rather than
   * rank versions (digest).
   * @default true
   */
  readonly downgradeGuard?: boolean;
  /** Binds the strategy to one decision's constraint and options, or says why the constraint is unusable. */
  prepare(context: StrategyContext): StrategyRanker | StrategyPrepareFailure;
}

/** Strategies by name. Built with {@link createStrategyRegistry}. */
export interface StrategyRegistry {
  /** The strategy named (or aliased) `name`, case-insensitively; `undefined` when none. */
  get(name: string): UpdateStrategy | undefined;
  /**
   * Adds a strategy. Throws a `TypeError` when its name or an alias is already taken, unless `replace` is set
   * (then the previous owner of the name is replaced).
   */
  register(strategy: UpdateStrategy, options?: { readonly replace?: boolean }): void;
  /** Canonical names, sorted. */
  names(): readonly string[];
}

/** One tag of the listing and what became of it. */
export interface ConsideredTag {
  readonly tag: string;
  readonly kept: boolean;
  readonly reason: TagVerdictReason;
  /** More about the reason: the constraint, the glob, the platforms found. */
  readonly detail?: string;
}

/** A problem with the settings of this image that did not stop the decision. */
export interface DecisionWarning {
  /** The setting concerned: `allow-tags`, `ignore-tags`, `extract`, `tagsortmode`, `platforms`, `current` (the running tag). */
  readonly setting: string;
  /** What is wrong and what happened instead. */
  readonly message: string;
}

/**
 * The outcome for one image:
 * - `update`: a better tag than the running one was chosen (`tag`, and `digest` when known);
 * - `keep`: the running tag is already the best (or every better tag is a downgrade);
 * - `none`: no tag qualified; nothing to do (argocd-image-updater logs "no tags matched");
 * - `error`: the decision could not be made (invalid constraint, unknown strategy, registry failure).
 *
 * The fields are flat so `{ image, ...decision }` serialises as the daemon's `test --output json`.
 */
export interface Decision {
  readonly kind: "update" | "keep" | "none" | "error";
  /** Canonical strategy name (`newest-build` for `latest`), or the name as given when unknown. */
  readonly strategy: string;
  /** The chosen tag for `update` and `keep`. */
  readonly tag?: string;
  /** Digest of the chosen tag, when the strategy fetched it (digest, newest-build). */
  readonly digest?: string;
  /** Number of distinct tags the registry listed. */
  readonly tagsFound: number;
  /** Every listed tag, in listing order, kept or dropped and why. */
  readonly considered: readonly ConsideredTag[];
  /** The best tag and why it won; present when some tag qualified. */
  readonly winner?: { readonly tag: string; readonly digest?: string; readonly why: string };
  /** One line for logs: what was decided and why. */
  readonly message: string;
  /** The failure, for `error`. Invalid settings carry `STRATEGY_CONSTRAINT_INVALID` or `CONFIG_INVALID`. */
  readonly error?: ImageUpdaterError;
  /** Settings problems that did not stop the decision (an allow-tags expression failing closed, a bad glob). */
  readonly warnings: readonly DecisionWarning[];
  /**
   * The running tag, when the registry no longer lists it (deleted, or re-tagged away). The decision then never
   * moves below it; where its rank cannot be known (newest-build needs its build time), nothing is chosen
   * unless `allowDowngrade`.
   */
  readonly vanished?: string;
}

/** Everything {@link decideUpdate} needs for one image. */
export interface DecideUpdateInput {
  /** The running image; `null` when none runs (force-update of an image not yet live). */
  readonly current: CurrentImage | null;
  /** Text after `:` in `image-list` (`~1.2`, `latest` for digest); absent when none. */
  readonly constraint?: string;
  /** Strategy name or alias, case-insensitive (`semver`, `latest`, `name`, a registered one). */
  readonly strategy: string;
  /** `allow-tags` as the configuration parser produced it (`parseAllowTags`). @default { kind: "any" } */
  readonly allowTags?: TagMatcher;
  /** Go globs; a tag matching any is dropped. @default [] */
  readonly ignoreTags?: readonly string[];
  /** Wanted platforms for metadata strategies; empty accepts every platform. @default [] */
  readonly platforms?: readonly Platform[];
  /** Tags as listed by the registry. Duplicates count once. */
  readonly tags: readonly string[];
  /** Where metadata comes from. Required by strategies that need metadata; never called otherwise. */
  readonly metadata?: TagMetadataProvider;
  /** Allow choosing a tag ranked below the running one. @default false */
  readonly allowDowngrade?: boolean;
  /** Rank on part of each tag (Flux `filterTags.extract`); tags the pattern misses are dropped. */
  readonly extract?: TagExtraction;
  /** Alphabetical: natural order. @default false */
  readonly naturalSort?: boolean;
  /** Alphabetical and numerical: `asc` picks the greatest. @default "asc" */
  readonly order?: "asc" | "desc";
  /**
   * The registry's `tagsortmode`. `latest-first` / `latest-last` give newest-build synthetic build times from
   * the listing order and fetch no metadata, as argocd-image-updater does. @default "none"
   */
  readonly tagSortMode?: TagSortMode;
  /** Where strategies are looked up. @default the built-in strategies */
  readonly registry?: StrategyRegistry;
  /** Most metadata requests in flight at once. @default 20 (argocd-image-updater's limit) */
  readonly metadataConcurrency?: number;
  /** Aborts pending metadata reads; the decision then is an `error` with code `ABORTED`. */
  readonly signal?: AbortSignal;
}
