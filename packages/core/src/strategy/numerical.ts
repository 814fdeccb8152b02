/**
 * The `numerical` strategy, as Flux's numerical policy: tags read as decimal numbers (`42`, `1.5`, `-3`,
 * `1e3`), the greatest wins (`order: desc`: the smallest). Unlike Flux, a tag that is not a number is dropped
 * with a reason instead of failing the whole image, so it pairs with build-number tags without a filter.
 */
import type { StrategyRanker, UpdateStrategy } from "./types.js";
import { compareText } from "./version.js";

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Reads `text` as a decimal number; `null` when it is not one or is not finite. */
export function parseTagNumber(text: string): number | null {
  if (typeof text !== "string" || !DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Creates the `numerical` strategy. */
export function createNumericalStrategy(): UpdateStrategy {
  return {
    name: "numerical",
    needsMetadata: false,
    prepare({ options }): StrategyRanker {
      const descending = options.order === "desc";
      return {
        evaluate(candidate) {
          return parseTagNumber(candidate.value) === null
            ? { kept: false, reason: "unparsable", detail: `\`${candidate.value}\` is not a number` }
            : { kept: true };
        },
        compare(a, b) {
          const x = parseTagNumber(a.value) ?? Number.NEGATIVE_INFINITY;
          const y = parseTagNumber(b.value) ?? Number.NEGATIVE_INFINITY;
          const order = (x === y ? 0 : x < y ? -1 : 1) || compareText(a.tag, b.tag);
          return descending ? -order : order;
        },
        explain(winner, keptCount) {
          const which = descending ? "smallest" : "greatest";
          return `${winner.tag} is the ${which} number among ${keptCount} candidate${keptCount === 1 ? "" : "s"}`;
        },
      };
    },
  };
}
