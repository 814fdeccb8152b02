/**
 * The `semver` strategy (argocd-image-updater's default): the highest version satisfying the constraint.
 * Tags that are not versions are dropped; pre-releases only count when the constraint names one; an absent
 * constraint means `*`; equal versions (`v2.0`, `v2.0.0`) are ordered by their text, so the greatest text wins.
 */
import { parseVersionConstraint } from "./constraint.js";
import type { StrategyRanker, TagCandidate, UpdateStrategy } from "./types.js";
import { compareText, compareVersionsWithTieBreak, parseVersion, type Version } from "./version.js";

/** Creates the `semver` strategy. */
export function createSemverStrategy(): UpdateStrategy {
  return {
    name: "semver",
    needsMetadata: false,
    prepare(context): StrategyRanker | { error: string } {
      const written = context.constraint ?? "";
      const text = written === "" ? "*" : written;
      const parsed = parseVersionConstraint(text);
      const constraint = parsed.constraint;
      if (constraint === undefined) return { error: parsed.error ?? `\`${text}\` is not a valid version constraint` };
      const versions = new Map<string, Version | null>();
      function version(value: string): Version | null {
        let known = versions.get(value);
        if (known === undefined) {
          known = parseVersion(value);
          versions.set(value, known);
        }
        return known;
      }
      const scope = written === "" ? "" : ` satisfying \`${written}\``;
      return {
        evaluate(candidate) {
          const parsedVersion = version(candidate.value);
          if (parsedVersion === null) {
            return { kept: false, reason: "unparsable", detail: `\`${candidate.value}\` is not a semantic version` };
          }
          const mismatch = constraint.check(parsedVersion);
          if (mismatch === "pre-release") {
            return {
              kept: false,
              reason: "pre-release",
              detail: `pre-releases need a constraint that names one, e.g. \`>=1.0.0-0\``,
            };
          }
          if (mismatch === "constraint") return { kept: false, reason: "constraint", detail: `outside \`${text}\`` };
          return { kept: true };
        },
        compare(a: TagCandidate, b: TagCandidate) {
          const x = version(a.value);
          const y = version(b.value);
          if (x === null || y === null) {
            if (x !== y) return x === null ? -1 : 1;
            return compareText(a.tag, b.tag);
          }
          return compareVersionsWithTieBreak(x, y) || compareText(a.tag, b.tag);
        },
        explain(winner, keptCount) {
          return `${winner.tag} is the highest version${scope} among ${keptCount} candidate${keptCount === 1 ? "" : "s"}`;
        },
      };
    },
  };
}

/**
 * Sorts tags ascending by version as the semver strategy ranks them (precedence, then text), dropping tags
 * that are not versions: `v2.0.2, v1.0, v2.0` → `v1.0, v2.0, v2.0.2`. Does not modify `tags`.
 */
export function sortBySemver(tags: readonly string[]): string[] {
  const versions: Version[] = [];
  for (const tag of tags) {
    const version = parseVersion(tag);
    if (version !== null) versions.push(version);
  }
  return versions.sort(compareVersionsWithTieBreak).map((version) => version.original);
}
