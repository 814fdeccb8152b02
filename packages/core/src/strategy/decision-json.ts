/** The JSON shape `image-updater test --output json` prints for one image. */
import type { Decision } from "./types.js";

/** One image's decision as plain JSON data: stable keys, `null` where there is no value. */
export interface DecisionJson {
  /** The image as configured, e.g. `ghcr.io/org/app`. */
  readonly image: string;
  readonly strategy: string;
  readonly kind: Decision["kind"];
  readonly tag: string | null;
  readonly digest: string | null;
  readonly tagsFound: number;
  readonly considered: readonly { readonly tag: string; readonly kept: boolean; readonly reason: string }[];
  /** Why the winner won, or why there is none, or the error message. */
  readonly message: string;
}

/**
 * `{ image, strategy, kind, tag, digest, tagsFound, considered, message }` for `JSON.stringify`: no error
 * objects, no `undefined`, `considered` reduced to `tag`, `kept` and `reason`.
 */
export function toDecisionJson(image: string, decision: Decision): DecisionJson {
  return {
    image,
    strategy: decision.strategy,
    kind: decision.kind,
    tag: decision.tag ?? null,
    digest: decision.digest ?? null,
    tagsFound: decision.tagsFound,
    considered: decision.considered.map(({ tag, kept, reason }) => ({ tag, kept, reason })),
    message: decision.message,
  };
}
