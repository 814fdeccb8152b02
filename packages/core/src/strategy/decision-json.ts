/** The JSON shape `image-updater test --output json` prints for one image, and the words for each tag's fate. */
import type { ConsideredTag, Decision, TagVerdictReason } from "./types.js";

/** One tag of {@link DecisionJson}: its fate in a code and in words. */
export interface ConsideredTagJson {
  readonly tag: string;
  readonly kept: boolean;
  readonly reason: TagVerdictReason;
  /** {@link describeConsideredTag}'s sentence. */
  readonly why: string;
}

/** One image's decision as plain JSON data: stable keys, `null` where there is no value. */
export interface DecisionJson {
  /** The image as configured, e.g. `ghcr.io/org/app`. */
  readonly image: string;
  readonly strategy: string;
  readonly kind: Decision["kind"];
  readonly tag: string | null;
  readonly digest: string | null;
  readonly tagsFound: number;
  readonly considered: readonly ConsideredTagJson[];
  /** Why the winner won, or why there is none, or the error message. */
  readonly message: string;
  /** Settings problems that did not stop the decision (a malformed ignore-tags glob). */
  readonly warnings: readonly string[];
}

const REASON_WORDS: Readonly<Record<TagVerdictReason, string>> = {
  allowed: "kept: passed every filter and the strategy",
  "allow-tags": "dropped: not allowed by allow-tags",
  "ignore-tags": "dropped: ignored by ignore-tags",
  extract: "dropped: the extract pattern does not match it",
  unparsable: "dropped: the strategy cannot read it",
  constraint: "dropped: outside the version constraint",
  "pre-release": "dropped: a pre-release, and the constraint names none",
  "not-tracked": "dropped: not the tag the digest strategy tracks",
  "no-metadata": "dropped: no usable manifest",
  platform: "dropped: no image for the wanted platforms",
  downgrade: "dropped: ranks below the running tag and downgrades are not allowed",
};

/** A tag's fate in words, with the strategy's detail: "dropped: outside the version constraint (outside `~1.2`)". */
export function describeConsideredTag(considered: ConsideredTag): string {
  const words = REASON_WORDS[considered.reason] ?? considered.reason;
  return considered.detail ? `${words} (${considered.detail})` : words;
}

/**
 * `{ image, strategy, kind, tag, digest, tagsFound, considered, message, warnings }` for `JSON.stringify`: no
 * error objects, no `undefined`, each considered tag with its reason code and its sentence.
 */
export function toDecisionJson(image: string, decision: Decision): DecisionJson {
  return {
    image,
    strategy: decision.strategy,
    kind: decision.kind,
    tag: decision.tag ?? null,
    digest: decision.digest ?? null,
    tagsFound: decision.tagsFound,
    considered: decision.considered.map((c) => ({
      tag: c.tag,
      kept: c.kept,
      reason: c.reason,
      why: describeConsideredTag(c),
    })),
    message: decision.message,
    warnings: decision.warnings.map((w) => `${w.setting}: ${w.message}`),
  };
}
