/**
 * What every decision over one tag listing shares. The engine's per-cycle tag cache hands the same listing
 * array to every application watching a repository; the de-duplicated tags, each tag's judgement by a
 * strategy (a parsed version, say) and the ranking of the kept tags are worked out once per listing and
 * strategy settings, not once per application. The memo hangs off the listing array itself, so it lives
 * exactly as long as the cache keeps the listing; a listing changed after a decision is screened afresh.
 */
import { compileExtraction } from "./extract.js";
import type {
  ConsideredTag,
  StrategyContext,
  StrategyPrepareFailure,
  StrategyRanker,
  TagCandidate,
  TagExtraction,
  TagVerdict,
  UpdateStrategy,
} from "./types.js";

/** A listing's distinct tags and the screenings made on it. */
export interface ScreenedListing {
  /** Tags in listing order, each once (the first listing counts). */
  readonly unique: readonly string[];
  /** The screening of every tag by `strategy` under these settings, made on first use. */
  screening(strategy: UpdateStrategy, context: StrategyContext, extract: TagExtraction | undefined): Screening;
}

/** One strategy's judgement of every tag of a listing, before any per-application filter. */
export type Screening =
  | { readonly error: "prepare"; readonly message: string }
  | { readonly error: "extract"; readonly message: string }
  | ScreenedTags;

/** The judgement of every listed tag by a prepared strategy. */
export interface ScreenedTags {
  readonly error?: undefined;
  readonly ranker: StrategyRanker;
  /** Judges a tag the listing does not hold (the running tag once deleted), as the listed ones were. */
  readonly screen: (tag: string, position: number) => TagCandidate | ConsideredTag;
  /** By position in the listing: the candidate the strategy keeps, or why it drops the tag. */
  readonly screened: readonly (TagCandidate | ConsideredTag)[];
  /** The candidates the strategy keeps, in listing order. Never modify. */
  kept(): readonly TagCandidate[];
  /** The kept candidates ranked ascending (the best last); ranked on first use. Never modify. */
  ranked(): readonly TagCandidate[];
  /** Every listed tag as the strategy judged it (kept ones as "allowed"); frozen, shared by decisions. */
  considered(): readonly ConsideredTag[];
}

interface Memo {
  /** The listing as screened, to notice a caller that changed the array since. */
  readonly snapshot: readonly string[];
  readonly listing: ScreenedListing;
}

const memos = new WeakMap<readonly string[], Memo>();

/** The shared screening state of `tags`, made on first use of this array. */
export function screenedListing(tags: readonly string[]): ScreenedListing {
  const shareable = typeof tags === "object" && tags !== null;
  const known = shareable ? memos.get(tags) : undefined;
  if (known !== undefined && sameTags(known.snapshot, tags)) return known.listing;
  const snapshot = Array.from(tags, (tag) => String(tag));
  const listing = createListing(snapshot);
  if (shareable) memos.set(tags, { snapshot, listing });
  return listing;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function createListing(tags: readonly string[]): ScreenedListing {
  // Registries list each tag once: then the snapshot is the distinct list, held once.
  const distinct = new Set(tags);
  const unique = distinct.size === tags.length ? tags : [...distinct];
  const byStrategy = new Map<UpdateStrategy, Map<string, Screening>>();
  return {
    unique,
    screening(strategy, context, extract) {
      let screenings = byStrategy.get(strategy);
      if (screenings === undefined) {
        screenings = new Map();
        byStrategy.set(strategy, screenings);
      }
      const key = settingsKey(context, extract);
      if (key === undefined) return screen(unique, strategy, context, extract);
      let screening = screenings.get(key);
      if (screening === undefined) {
        screening = screen(unique, strategy, context, extract);
        screenings.set(key, screening);
      }
      return screening;
    },
  };
}

/**
 * Everything prepare() and the extraction see, as a key: equal settings give equal judgements. `undefined`
 * (no sharing) for values JSON would not tell apart, which only a caller outside the types can pass.
 */
function settingsKey(context: StrategyContext, extract: TagExtraction | undefined): string | undefined {
  const settings: unknown[] = [
    context.constraint,
    context.options.order,
    context.options.naturalSort,
    extract === undefined,
    extract?.pattern,
    extract?.group,
  ];
  const typed: [string, unknown][] = [];
  for (const value of settings) {
    const type = typeof value;
    const plain =
      type === "undefined" || type === "string" || type === "boolean" || (type === "number" && Number.isFinite(value));
    if (!plain && value !== null) return undefined;
    typed.push([value === null ? "null" : type, value ?? null]);
  }
  return JSON.stringify(typed);
}

function screen(
  unique: readonly string[],
  strategy: UpdateStrategy,
  context: StrategyContext,
  extract: TagExtraction | undefined,
): Screening {
  const prepared = safePrepare(strategy, context);
  if ("error" in prepared) return { error: "prepare", message: prepared.error };
  const ranker: StrategyRanker = prepared;
  const extraction = extract === undefined ? undefined : compileExtraction(extract);
  if (extraction?.error !== undefined) return { error: "extract", message: extraction.error };
  const extractValue = extraction?.extract;
  function screenTag(tag: string, position: number): TagCandidate | ConsideredTag {
    const value = extractValue === undefined ? tag : extractValue(tag);
    if (value === null) {
      return Object.freeze({ tag, kept: false, reason: "extract", detail: "the extract pattern does not match" });
    }
    const candidate: TagCandidate = { tag, value, position };
    const verdict = safeEvaluate(ranker, candidate);
    if (!verdict.kept) {
      return Object.freeze({
        tag,
        kept: false,
        reason: verdict.reason,
        ...(verdict.detail === undefined ? {} : { detail: verdict.detail }),
      });
    }
    return candidate;
  }
  const screened = unique.map(screenTag);
  let kept: readonly TagCandidate[] | undefined;
  let ranked: readonly TagCandidate[] | undefined;
  let considered: readonly ConsideredTag[] | undefined;
  const keptOf = () => {
    // Most listings keep every tag: then the screening itself is the kept list, not a second array of it.
    kept ??= screened.every(isCandidate) ? screened : screened.filter(isCandidate);
    return kept;
  };
  return {
    ranker,
    screen: screenTag,
    screened,
    kept: keptOf,
    ranked() {
      ranked ??= [...keptOf()].sort((a, b) => safeCompare(ranker, a, b));
      return ranked;
    },
    considered() {
      considered ??= Object.freeze(
        screened.map((entry) =>
          isCandidate(entry) ? Object.freeze<ConsideredTag>({ tag: entry.tag, kept: true, reason: "allowed" }) : entry,
        ),
      );
      return considered;
    },
  };
}

function isCandidate(entry: TagCandidate | ConsideredTag): entry is TagCandidate {
  return "value" in entry;
}

// User strategies run inside the engine; a throwing one must not turn a decision into a rejection.
function safePrepare(strategy: UpdateStrategy, context: StrategyContext): StrategyRanker | StrategyPrepareFailure {
  try {
    return strategy.prepare(context);
  } catch (error) {
    return { error: `the ${strategy.name} strategy failed to start: ${String(error)}` };
  }
}

function safeEvaluate(ranker: StrategyRanker, candidate: TagCandidate): TagVerdict {
  try {
    return ranker.evaluate(candidate);
  } catch (error) {
    return { kept: false, reason: "unparsable", detail: `the strategy failed on this tag: ${String(error)}` };
  }
}

/** The ranker's order; a throwing or NaN comparison counts as a tie. */
export function safeCompare(ranker: StrategyRanker, a: TagCandidate, b: TagCandidate): number {
  try {
    const order = ranker.compare(a, b);
    return Number.isNaN(order) ? 0 : order;
  } catch {
    return 0;
  }
}
