/**
 * Metadata read by tag may come from a cache that remembers where the tag pointed, and a tag can be pushed
 * again. Before a decision trusts it, the tags that can still decide it (the best one, and the running one
 * when the downgrade guard compares with it) are asked where they point now: one HEAD each, which the
 * registry policies share for the cycle. A tag that moved is read again (a manifest only for a digest never
 * seen), the candidates are ranked again, and the new best one is asked in turn.
 */
import { ImageUpdaterError } from "../errors.js";
import { type FetchedTag, fetchTags } from "./metadata.js";
import type { ConsideredTag, TagCandidate, TagMetadataProvider } from "./types.js";

/** Input of {@link confirmContenders}. */
export interface ConfirmContendersInput {
  /** Kept candidates, ranked ascending (the last one wins). */
  readonly ranked: readonly TagCandidate[];
  /** The candidates as they were before any metadata, by tag, to judge a new read from scratch. */
  readonly bases: ReadonlyMap<string, TagCandidate>;
  readonly provider: TagMetadataProvider & Required<Pick<TagMetadataProvider, "getDigest">>;
  /** Attaches a read to a candidate, or says why the tag drops out (as the first reads were judged). */
  readonly judge: (base: TagCandidate, read: FetchedTag) => TagCandidate | ConsideredTag;
  readonly compare: (a: TagCandidate, b: TagCandidate) => number;
  /** The running tag, when the decision compares the best candidate with it. */
  readonly running?: string;
  readonly signal?: AbortSignal;
}

/** What changed: the new ranking, the tags that dropped out, and the fresh reads by tag. */
export interface ConfirmedContenders {
  readonly ranked: readonly TagCandidate[];
  readonly dropped: ReadonlyMap<string, ConsideredTag>;
  readonly reads: ReadonlyMap<string, FetchedTag>;
}

/**
 * Confirms the contenders' digests. Only candidates whose metadata was read by tag are asked; a digest read
 * by HEAD in this decision is fresh already. Each round confirms at least one more tag, so the rounds are
 * bounded by the number of candidates, and in the common case (nothing moved) one HEAD ends it.
 */
export async function confirmContenders(
  input: ConfirmContendersInput,
): Promise<ConfirmedContenders | ImageUpdaterError> {
  let ranked = [...input.ranked];
  const dropped = new Map<string, ConsideredTag>();
  const reads = new Map<string, FetchedTag>();
  const confirmed = new Set<string>();
  const signal = input.signal === undefined ? {} : { signal: input.signal };
  const needsAsking = (candidate: TagCandidate | undefined): candidate is TagCandidate =>
    candidate !== undefined &&
    candidate.metadata !== undefined &&
    candidate.digest !== undefined &&
    !confirmed.has(candidate.tag);

  try {
    for (;;) {
      const top = ranked.at(-1);
      const running = input.running === undefined ? undefined : ranked.find((c) => c.tag === input.running);
      const contenders = [top, running === top ? undefined : running].filter(needsAsking);
      if (contenders.length === 0) break;
      let moved = false;
      for (const candidate of contenders) {
        confirmed.add(candidate.tag);
        const digest = await input.provider.getDigest(candidate.tag, signal);
        if (digest === candidate.digest) continue;
        moved = true;
        const read: FetchedTag =
          digest === null
            ? { digest: null }
            : ((await fetchTags(input.provider, [candidate.tag], { mode: "full", concurrency: 1, ...signal })).get(
                candidate.tag,
              ) ?? { digest: null });
        reads.set(candidate.tag, read);
        ranked = ranked.filter((c) => c.tag !== candidate.tag);
        const judged = input.judge(input.bases.get(candidate.tag) ?? candidate, read);
        if ("value" in judged) ranked.push(judged);
        else dropped.set(candidate.tag, judged);
      }
      if (moved) ranked.sort(input.compare);
    }
  } catch (error) {
    return error instanceof ImageUpdaterError ? error : new ImageUpdaterError("REGISTRY_PROTOCOL", String(error));
  }
  return { ranked, dropped, reads };
}
