/**
 * The `newest-build` strategy (alias `latest`): the tag whose image was built last, by config `created` (for an
 * index, the newest of its platform-matching children). Equal times are ordered by tag text, so the greatest
 * tag wins, as argocd-image-updater does. An image that records no build time ranks oldest.
 */
import type { StrategyRanker, TagCandidate, UpdateStrategy } from "./types.js";
import { compareText } from "./version.js";

/** Creates the `newest-build` strategy. */
export function createNewestBuildStrategy(): UpdateStrategy {
  return {
    name: "newest-build",
    aliases: ["latest"],
    needsMetadata: "full",
    prepare(): StrategyRanker {
      return {
        evaluate: () => ({ kept: true }),
        compare(a, b) {
          const x = buildTime(a);
          const y = buildTime(b);
          return (x === y ? 0 : x < y ? -1 : 1) || compareText(a.tag, b.tag);
        },
        explain(winner, keptCount) {
          const created =
            winner.createdAt === undefined ? "no recorded build time" : `built ${winner.createdAt.toISOString()}`;
          return `${winner.tag} is the newest build (${created}) among ${keptCount} candidate${keptCount === 1 ? "" : "s"}`;
        },
      };
    },
  };
}

function buildTime(candidate: TagCandidate): number {
  const time = candidate.createdAt?.getTime();
  return time === undefined || Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}
