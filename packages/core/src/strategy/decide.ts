/**
 * The decision pipeline for one image, in argocd-image-updater's order (reference §2): filters, the strategy's
 * own judgement, metadata for the survivors only, platforms, the downgrade guard, ranking, then the comparison
 * with the running image. Every listed tag ends up in the explanation with the reason it was kept or dropped.
 */
import { ImageUpdaterError } from "../errors.js";
import { formatPlatform, matchesPlatform } from "../image/platform.js";
import type { Platform } from "../registry/types.js";
import { confirmContenders } from "./confirm-contenders.js";
import { type ScreenedListing, type ScreenedTags, safeCompare, screenedListing } from "./listing.js";
import { type FetchedTag, fetchTags } from "./metadata.js";
import { isSameImage } from "./needs-update.js";
import { createStrategyRegistry } from "./registry.js";
import { createTagFilters } from "./tag-filters.js";
import type {
  ConsideredTag,
  DecideUpdateInput,
  Decision,
  DecisionWarning,
  StrategyRanker,
  StrategyRegistry,
  TagCandidate,
  TagVerdictReason,
  UpdateStrategy,
} from "./types.js";

const DEFAULT_CONCURRENCY = 20;

/** The built-ins, created on first use; never exposed, so nothing can register into it. */
let builtins: StrategyRegistry | undefined;

function builtinRegistry(): StrategyRegistry {
  if (builtins === undefined) builtins = createStrategyRegistry();
  return builtins;
}

/**
 * Decides which tag `input` should run. Never rejects: invalid settings and registry failures come back as a
 * decision of kind `error` carrying an `ImageUpdaterError`. Calls `input.metadata` only for strategies that need
 * metadata and only for tags that survived every filter.
 *
 * @example
 * ```ts
 * const decision = await decideUpdate({ current: { tag: "1.2.0" }, constraint: "~1.2", strategy: "semver", tags });
 * if (decision.kind === "update") console.log(`${decision.tag}: ${decision.winner?.why}`);
 * ```
 */
export async function decideUpdate(input: DecideUpdateInput): Promise<Decision> {
  const registry = input.registry ?? builtinRegistry();
  const strategyName = String(input.strategy ?? "");
  const strategy = registry.get(strategyName);
  const tags = screenedListing(input.tags ?? []);
  const base = { tagsFound: tags.unique.length };
  if (strategy === undefined) {
    const message = `unknown update strategy \`${strategyName}\`; use one of ${registry.names().join(", ")}`;
    return failure(strategyName, base, [], [], new ImageUpdaterError("CONFIG_INVALID", message));
  }
  const name = strategy.name;
  // The strategy's judgement of each listed tag is shared by every decision on this listing and settings.
  const screened = tags.screening(
    strategy,
    {
      ...(input.constraint === undefined ? {} : { constraint: input.constraint }),
      options: {
        ...(input.order === undefined ? {} : { order: input.order }),
        ...(input.naturalSort === undefined ? {} : { naturalSort: input.naturalSort }),
      },
    },
    input.extract,
  );
  if (screened.error === "prepare") {
    return failure(name, base, [], [], new ImageUpdaterError("STRATEGY_CONSTRAINT_INVALID", screened.message));
  }
  if (screened.error === "extract") {
    return failure(name, base, [], [], new ImageUpdaterError("CONFIG_INVALID", screened.message));
  }
  const screening: ScreenedTags = screened;
  const ranker: StrategyRanker = screening.ranker;
  const filters = createTagFilters(input.allowTags, input.ignoreTags);
  const warnings: DecisionWarning[] = [...filters.warnings];

  // Judge every tag without any request first, so only survivors cost metadata. `verdicts` holds what this
  // decision alone drops (filters, metadata, the downgrade guard); the strategy's drops are the screening's.
  const verdicts = new Map<string, ConsideredTag>();
  function screen(tag: string, position: number): TagCandidate | ConsideredTag {
    const filtered = filters.check(tag);
    if (!filtered.kept) return { tag, kept: false, reason: filtered.reason, detail: filtered.detail };
    const listed = tags.unique[position] === tag ? screening.screened[position] : undefined;
    return listed ?? screening.screen(tag, position);
  }
  if (!filters.keepsAll) {
    for (const tag of tags.unique) {
      const filtered = filters.check(tag);
      if (!filtered.kept) verdicts.set(tag, { tag, kept: false, reason: filtered.reason, detail: filtered.detail });
    }
  }
  const unfiltered = (candidate: TagCandidate) => !verdicts.has(candidate.tag);

  let ranked: readonly TagCandidate[];
  let fetched: Map<string, FetchedTag | TagCandidate> | undefined;
  let survivors: readonly TagCandidate[] = [];
  if (strategy.needsMetadata === false) {
    // Nothing is read per tag: the listing's ranking, less what this decision's filters dropped.
    const shared = screening.ranked();
    ranked = verdicts.size === 0 ? shared : shared.filter(unfiltered);
  } else {
    survivors = verdicts.size === 0 ? screening.kept() : screening.kept().filter(unfiltered);
    const read = await readMetadata(strategy, survivors, input, warnings);
    if (read instanceof ImageUpdaterError) {
      return failure(name, base, considered(screening, verdicts), warnings, read);
    }
    fetched = read;
    const judgedAll: TagCandidate[] = [];
    for (const candidate of read === undefined ? [] : survivors) {
      const judged = applyMetadata(candidate, read?.get(candidate.tag), input.platforms ?? []);
      if ("value" in judged) judgedAll.push(judged);
      else verdicts.set(candidate.tag, judged);
    }
    ranked = judgedAll.sort((a, b) => safeCompare(ranker, a, b));
  }
  const current = input.current ?? null;
  const guarded = input.allowDowngrade !== true && strategy.downgradeGuard !== false;
  const getDigest = input.metadata?.getDigest;
  if (fetched !== undefined && input.metadata !== undefined && getDigest !== undefined) {
    // A cache may remember where a tag pointed before it was pushed again: ask the tags that can decide.
    const checked = await confirmContenders({
      ranked,
      bases: new Map(survivors.map((candidate) => [candidate.tag, candidate])),
      provider: { get: input.metadata.get.bind(input.metadata), getDigest: getDigest.bind(input.metadata) },
      judge: (base, read) => applyMetadata(base, read, input.platforms ?? []),
      compare: (a, b) => safeCompare(ranker, a, b),
      ...(guarded && current?.tag ? { running: current.tag } : {}),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    if (checked instanceof ImageUpdaterError) {
      return failure(name, base, considered(screening, verdicts), warnings, checked);
    }
    ranked = [...checked.ranked];
    for (const [tag, verdict] of checked.dropped) verdicts.set(tag, verdict);
    for (const [tag, read] of checked.reads) fetched.set(tag, read);
  }
  const vanished =
    current?.tag && tags.unique.length > 0 && !tags.unique.includes(current.tag) ? current.tag : undefined;
  const vanishedField = vanished === undefined ? {} : { vanished };
  if (vanished !== undefined) {
    warnings.push({
      setting: "current",
      message: `the running tag \`${vanished}\` is no longer listed by the registry; it was deleted or moved`,
    });
  }
  const top = ranked.at(-1);
  if (top !== undefined && guarded && current?.tag) {
    const running = await runningCandidate({
      tag: current.tag,
      listed: tags,
      fetched,
      screen,
      needs: strategy.needsMetadata,
      input,
    });
    if (running instanceof ImageUpdaterError) {
      return failure(name, base, considered(screening, verdicts), warnings, running);
    }
    if (
      running === undefined &&
      vanished !== undefined &&
      strategy.needsMetadata === "full" &&
      "value" in screen(vanished, tags.unique.length)
    ) {
      // The build time of a deleted tag cannot be read, so no candidate can be shown to be newer.
      const list = considered(screening, verdicts);
      return {
        kind: "none",
        strategy: name,
        ...base,
        considered: list,
        message: `the running tag \`${vanished}\` is no longer in the registry and its build time cannot be read, so no tag is chosen (allow downgrades to choose one)`,
        warnings,
        vanished,
      };
    }
    // Only when even the best tag ranks below the running one does the guard act; it then drops all of those.
    if (running !== undefined && safeCompare(ranker, top, running) < 0) {
      ranked = ranked.filter((candidate) => {
        if (safeCompare(ranker, candidate, running) >= 0) return true;
        verdicts.set(candidate.tag, {
          tag: candidate.tag,
          kept: false,
          reason: "downgrade",
          detail: `ranks below the running \`${running.tag}\`; allow downgrades to choose it`,
        });
        return false;
      });
    }
  }

  const list = considered(screening, verdicts);
  const best = ranked.at(-1);
  if (best === undefined) {
    return {
      kind: "none",
      strategy: name,
      ...base,
      considered: list,
      message: noCandidateMessage(tags.unique.length, list, input.constraint),
      warnings,
      ...vanishedField,
    };
  }
  const winner = {
    tag: best.tag,
    ...(best.digest === undefined ? {} : { digest: best.digest }),
    why: safeExplain(ranker, best, ranked.length),
  };
  const same = isSameImage(current, winner, strategy.needsMetadata === "digest");
  const shown =
    winner.digest === undefined || strategy.needsMetadata !== "digest" ? winner.tag : `${winner.tag}@${winner.digest}`;
  return {
    kind: same ? "keep" : "update",
    strategy: name,
    tag: winner.tag,
    ...(winner.digest === undefined ? {} : { digest: winner.digest }),
    ...base,
    considered: list,
    winner,
    message: same ? `${shown} is already running: ${winner.why}` : `update to ${shown}: ${winner.why}`,
    warnings,
    ...vanishedField,
  };
}

/** Fetches what the strategy needs for the survivors; `undefined` when it needs nothing. */
async function readMetadata(
  strategy: UpdateStrategy,
  survivors: readonly TagCandidate[],
  input: DecideUpdateInput,
  warnings: DecisionWarning[],
): Promise<Map<string, FetchedTag | TagCandidate> | ImageUpdaterError | undefined> {
  if (strategy.needsMetadata === false || survivors.length === 0) return undefined;
  const sortMode = input.tagSortMode ?? "none";
  if (strategy.needsMetadata === "full" && sortMode !== "none") {
    warnings.push({
      setting: "tagsortmode",
      message: `build times come from the registry's listing order (tagsortmode: ${sortMode}); no manifest was read`,
    });
    const count = (input.tags ?? []).length;
    const synthetic = new Map<string, TagCandidate>();
    for (const candidate of survivors) {
      const seconds = sortMode === "latest-first" ? count - candidate.position : candidate.position;
      synthetic.set(candidate.tag, { ...candidate, createdAt: new Date(seconds * 1000) });
    }
    return synthetic;
  }
  if (input.metadata === undefined) {
    return new ImageUpdaterError(
      "CONFIG_INVALID",
      `the ${strategy.name} strategy reads tag metadata, but no metadata provider was given`,
    );
  }
  const platforms = input.platforms ?? [];
  try {
    return await fetchTags(
      input.metadata,
      survivors.map((candidate) => candidate.tag),
      {
        mode: strategy.needsMetadata === "digest" && platforms.length === 0 ? "digest" : "full",
        concurrency: input.metadataConcurrency ?? DEFAULT_CONCURRENCY,
        ...(input.signal === undefined ? {} : { signal: input.signal }),
      },
    );
  } catch (error) {
    return error instanceof ImageUpdaterError ? error : new ImageUpdaterError("REGISTRY_PROTOCOL", String(error));
  }
}

/** Attaches fetched metadata to a candidate, or says why the tag drops out (vanished, wrong platform). */
function applyMetadata(
  candidate: TagCandidate,
  fetched: FetchedTag | TagCandidate | undefined,
  platforms: readonly Platform[],
): TagCandidate | ConsideredTag {
  if (fetched !== undefined && "value" in fetched) return fetched;
  const tag = candidate.tag;
  if (fetched === undefined || fetched.digest === null) {
    return { tag, kept: false, reason: "no-metadata", detail: "the tag disappeared before its manifest was read" };
  }
  const metadata = fetched.metadata;
  if (metadata === undefined || metadata === null) return { ...candidate, digest: fetched.digest };
  const wanted = platforms.map(formatPlatform).join(", ");
  if (metadata.children !== undefined) {
    const matching = metadata.children.filter((child) => matchesPlatform(platforms, child.platform));
    if (matching.length === 0) {
      const offered = metadata.children.map((child) => (child.platform ? formatPlatform(child.platform) : "unknown"));
      return {
        tag,
        kept: false,
        reason: "platform",
        detail: `offers ${offered.join(", ") || "no image"}; wanted ${wanted}`,
      };
    }
    const times = matching
      .map((child) => child.createdAt?.getTime())
      .filter((time) => time !== undefined && !Number.isNaN(time));
    const newest = times.length > 0 ? Math.max(...(times as number[])) : metadata.createdAt?.getTime();
    return withTime({ ...candidate, digest: metadata.digest, metadata }, newest);
  }
  if (!matchesPlatform(platforms, metadata.platform)) {
    const offered = metadata.platform ? formatPlatform(metadata.platform) : "unknown";
    return { tag, kept: false, reason: "platform", detail: `offers ${offered}; wanted ${wanted}` };
  }
  return withTime({ ...candidate, digest: metadata.digest, metadata }, metadata.createdAt?.getTime());
}

function withTime(candidate: TagCandidate, time: number | undefined): TagCandidate {
  return time === undefined || Number.isNaN(time) ? candidate : { ...candidate, createdAt: new Date(time) };
}

/**
 * The running tag as a candidate, for the downgrade guard; `undefined` when the guard does not apply: the running
 * tag is itself outside the settings (the user moved the constraint or filters away from it on purpose), or its
 * build time cannot be known.
 */
interface RunningContext {
  readonly tag: string;
  readonly listed: ScreenedListing;
  /** What was read for the survivors; reused so the running tag costs no second request. */
  readonly fetched: ReadonlyMap<string, FetchedTag | TagCandidate> | undefined;
  readonly screen: (tag: string, position: number) => TagCandidate | ConsideredTag;
  readonly needs: UpdateStrategy["needsMetadata"];
  readonly input: DecideUpdateInput;
}

async function runningCandidate(context: RunningContext): Promise<TagCandidate | ImageUpdaterError | undefined> {
  const { tag, listed, fetched, input } = context;
  const position = listed.unique.indexOf(tag);
  const screened = context.screen(tag, position === -1 ? listed.unique.length : position);
  if (!("value" in screened)) return undefined;
  if (context.needs !== "full") return screened;
  let read = fetched?.get(tag);
  if (read === undefined) {
    if ((input.tagSortMode ?? "none") !== "none" || input.metadata === undefined) return undefined;
    try {
      read = (
        await fetchTags(input.metadata, [tag], {
          mode: "full",
          concurrency: 1,
          ...(input.signal === undefined ? {} : { signal: input.signal }),
        })
      ).get(tag);
    } catch (error) {
      return error instanceof ImageUpdaterError ? error : new ImageUpdaterError("REGISTRY_PROTOCOL", String(error));
    }
  }
  // The running image's own platform is not checked: it runs, so it is comparable.
  const applied = applyMetadata(screened, read, []);
  return "value" in applied && applied.createdAt !== undefined ? applied : undefined;
}

/**
 * Every listed tag with its fate: what this decision dropped (`verdicts`: filters, metadata, the downgrade
 * guard), else the strategy's judgement. A tag neither dropped is kept, since every survivor is either ranked
 * or given a verdict.
 */
function considered(screening: ScreenedTags, verdicts: ReadonlyMap<string, ConsideredTag>): readonly ConsideredTag[] {
  const shared = screening.considered();
  if (verdicts.size === 0) return shared;
  return shared.map((entry) => verdicts.get(entry.tag) ?? entry);
}

function noCandidateMessage(found: number, list: readonly ConsideredTag[], constraint: string | undefined): string {
  if (found === 0) return "no tags found in the registry";
  const counts = new Map<TagVerdictReason, number>();
  for (const entry of list) counts.set(entry.reason, (counts.get(entry.reason) ?? 0) + 1);
  const summary = [...counts].map(([reason, count]) => `${count} ${reason}`).join(", ");
  const scope = constraint === undefined || constraint === "" ? "" : ` constraint \`${constraint}\``;
  return `no tag matched${scope} (${found} found: ${summary})`;
}

function failure(
  strategy: string,
  base: { readonly tagsFound: number },
  list: readonly ConsideredTag[],
  warnings: readonly DecisionWarning[],
  error: ImageUpdaterError,
): Decision {
  return { kind: "error", strategy, ...base, considered: list, message: error.message, error, warnings };
}

// User strategies run inside the engine; a throwing one must not turn a decision into a rejection.
function safeExplain(ranker: StrategyRanker, winner: TagCandidate, count: number): string {
  try {
    return ranker.explain(winner, count);
  } catch {
    return `${winner.tag} ranks highest`;
  }
}
