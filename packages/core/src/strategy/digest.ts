/**
 * The `digest` strategy: follow a mutable tag (`latest`, `stable`) and update when the digest it points at
 * changes. The constraint is the tag to track; the result is written `tag@sha256:…`.
 */
import type { StrategyRanker, UpdateStrategy } from "./types.js";
import { compareText } from "./version.js";

/** Creates the `digest` strategy. */
export function createDigestStrategy(): UpdateStrategy {
  return {
    name: "digest",
    needsMetadata: "digest",
    downgradeGuard: false,
    prepare({ constraint }): StrategyRanker | { error: string } {
      if (constraint === undefined || constraint === "") {
        return {
          error:
            "the digest strategy needs the tag to track after `:` in `image-list`, e.g. `myapp=ghcr.io/org/app:latest`",
        };
      }
      return {
        evaluate(candidate) {
          return candidate.tag === constraint
            ? { kept: true }
            : { kept: false, reason: "not-tracked", detail: `the digest strategy tracks \`${constraint}\` only` };
        },
        compare: (a, b) => compareText(a.tag, b.tag),
        explain(winner) {
          return `${winner.tag} is the tracked tag${winner.digest === undefined ? "" : `; it points at ${winner.digest}`}`;
        },
      };
    },
  };
}
