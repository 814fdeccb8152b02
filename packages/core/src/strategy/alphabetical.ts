/**
 * The `alphabetical` strategy (alias `name`): the greatest tag in byte-wise order, as argocd-image-updater
 * sorts (`26` > `226`). `naturalSort` compares digit runs as numbers instead; `order: desc` picks the smallest,
 * as Flux's alphabetical policy.
 */
import { compareNatural } from "./natural-compare.js";
import type { StrategyRanker, UpdateStrategy } from "./types.js";
import { compareText } from "./version.js";

/** Creates the `alphabetical` strategy. */
export function createAlphabeticalStrategy(): UpdateStrategy {
  return {
    name: "alphabetical",
    aliases: ["name"],
    needsMetadata: false,
    prepare({ options }): StrategyRanker {
      const natural = options.naturalSort === true;
      const descending = options.order === "desc";
      const compareValues = natural ? compareNatural : compareText;
      return {
        evaluate: () => ({ kept: true }),
        compare(a, b) {
          const order = compareValues(a.value, b.value) || compareText(a.tag, b.tag);
          return descending ? -order : order;
        },
        explain(winner, keptCount) {
          const position = descending ? "first" : "last";
          const kind = natural ? "natural" : "byte-wise";
          return `${winner.tag} comes ${position} in ${kind} order among ${keptCount} candidate${keptCount === 1 ? "" : "s"}`;
        },
      };
    },
  };
}
