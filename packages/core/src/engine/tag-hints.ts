/**
 * Waiting for a tag a webhook announced. CNCF Distribution sends its push notification before it links the
 * tag, so a listing made at once can miss the pushed tag. When a hinted tag is not listed, list again after
 * a short, growing pause, a bounded number of times; a hint the registry never lists (stale, forged) costs
 * those few listings and writes nothing, since the decision is made from the listing alone.
 */
import { normalizeImageName } from "../image/reference.js";
import { sleep as defaultSleep } from "../registry/sleep.js";

/** Announced tags by `registry/repository` (core's canonical names). */
export type TagHints = ReadonlyMap<string, ReadonlySet<string>>;

/** The hints of a run's image triggers, by canonical `registry/repository`; undefined when there are none. */
export function tagHintsOf(
  triggers: readonly { readonly image: string; readonly tagHint?: string }[] | undefined,
): TagHints | undefined {
  const hints = new Map<string, Set<string>>();
  for (const trigger of triggers ?? []) {
    const name = normalizeImageName(trigger.image);
    if (trigger.tagHint === undefined || name === undefined) continue;
    const tags = hints.get(name) ?? new Set<string>();
    tags.add(trigger.tagHint);
    hints.set(name, tags);
  }
  return hints.size === 0 ? undefined : hints;
}

/** Pauses before each new listing, in milliseconds: six tries within about 3 s. */
export const TAG_HINT_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800, 1600];

/** Options of {@link listAwaitingHints}. */
export interface TagHintWaitOptions {
  readonly delaysMs?: readonly number[];
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Lists tags with `list(false)`; while some tag of `hints` is missing, pauses and lists afresh with
 * `list(true)`, at most once per delay. Resolves with the last listing.
 */
export async function listAwaitingHints(
  list: (fresh: boolean) => Promise<readonly string[]>,
  hints: ReadonlySet<string>,
  options: TagHintWaitOptions = {},
): Promise<readonly string[]> {
  const sleep = options.sleep ?? defaultSleep;
  let tags = await list(false);
  for (const delay of options.delaysMs ?? TAG_HINT_DELAYS_MS) {
    if (missing(tags, hints) === 0 || options.signal?.aborted) break;
    await sleep(delay, options.signal);
    tags = await list(true);
  }
  return tags;
}

/** How many of `hints` the listing lacks. */
export function missing(tags: readonly string[], hints: ReadonlySet<string>): number {
  if (hints.size === 0) return 0;
  const listed = new Set(tags);
  let count = 0;
  for (const hint of hints) if (!listed.has(hint)) count++;
  return count;
}
