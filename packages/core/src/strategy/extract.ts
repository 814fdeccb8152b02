/** Tag extraction (Flux `filterTags.extract`): rank on a capture group, write back the original tag. */
import { compilePattern } from "./regexp.js";
import type { TagExtraction } from "./types.js";

/** A compiled extraction, or why it cannot be used. */
export interface CompiledExtraction {
  /** The text to rank for `tag`, or `null` when the pattern does not match it (or the group did not take part). */
  readonly extract?: (tag: string) => string | null;
  /** What is wrong; set exactly when `extract` is absent. */
  readonly error?: string;
}

/** Compiles a {@link TagExtraction}. Never throws. */
export function compileExtraction(extraction: TagExtraction): CompiledExtraction {
  const compiled = compilePattern(extraction?.pattern as string);
  const regexp = compiled.regexp;
  if (regexp === undefined) return { error: `extract pattern: ${compiled.error ?? "invalid"}` };
  const groupCount = regexp.groupCount;
  const group = resolveGroup(extraction.group, groupCount);
  if (typeof group === "string" && !regexp.groupNames.includes(group)) {
    return { error: `extract: the pattern has no capture group named \`${group}\`` };
  }
  if (typeof group === "number" && !(Number.isInteger(group) && group >= 0 && group <= groupCount)) {
    return { error: `extract: the pattern has no capture group ${group}` };
  }
  return {
    extract(tag) {
      const match = regexp.exec(tag);
      if (match === null) return null;
      const value = typeof group === "number" ? match[group] : match.groups[group];
      return value ?? null;
    },
  };
}

function resolveGroup(group: number | string | undefined, captureGroups: number): number | string {
  if (group === undefined) return captureGroups > 0 ? 1 : 0;
  if (typeof group === "number") return group;
  // Flux writes `$1`, `$ts` or `${ts}`.
  const name = group.replace(/^\$\{(.*)\}$/, "$1").replace(/^\$/, "");
  return /^[0-9]+$/.test(name) ? Number(name) : name;
}
