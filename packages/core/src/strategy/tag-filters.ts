/**
 * The strategy-independent filters argocd-image-updater applies before sorting: `allow-tags` (an unanchored
 * pattern, `any`, or `none`; an invalid pattern fails closed) and `ignore-tags` (Go globs).
 */

import type { TagMatcher } from "../config/types.js";
import { compileGlob } from "./glob.js";
import { compilePattern } from "./regexp.js";
import type { DecisionWarning } from "./types.js";

/** What the filters say about one tag: kept, or the setting that dropped it and how. */
export type FilterVerdict =
  | { readonly kept: true }
  | { readonly kept: false; readonly reason: "allow-tags" | "ignore-tags"; readonly detail: string };

/** Compiled `allow-tags` and `ignore-tags`. */
export interface TagFilters {
  check(tag: string): FilterVerdict;
  /** True when no tag can be dropped (`allow-tags` absent or `any`, no usable `ignore-tags`). */
  readonly keepsAll: boolean;
  /** Problems with the settings (an invalid allow-tags pattern, a malformed glob). */
  readonly warnings: readonly DecisionWarning[];
}

const KEPT: FilterVerdict = Object.freeze({ kept: true });

/** Compiles the filters once per decision. Never throws. */
export function createTagFilters(
  allowTags: TagMatcher | undefined,
  ignoreTags: readonly string[] | undefined,
): TagFilters {
  const warnings: DecisionWarning[] = [];
  const allow = compileAllow(allowTags ?? { kind: "any" }, warnings);
  const globs: { readonly pattern: string; readonly matches: (name: string) => boolean }[] = [];
  for (const pattern of ignoreTags ?? []) {
    const compiled = compileGlob(pattern);
    if (compiled.matches === undefined) {
      warnings.push({ setting: "ignore-tags", message: `${compiled.error}; this entry ignores nothing` });
      continue;
    }
    globs.push({ pattern, matches: compiled.matches });
  }
  return {
    warnings,
    keepsAll: (allowTags === undefined || allowTags.kind === "any") && globs.length === 0,
    check(tag) {
      const allowed = allow(tag);
      if (allowed !== true) return { kept: false, reason: "allow-tags", detail: allowed };
      const glob = globs.find((entry) => entry.matches(tag));
      if (glob !== undefined) return { kept: false, reason: "ignore-tags", detail: `matches \`${glob.pattern}\`` };
      return KEPT;
    },
  };
}

/** Returns a test giving `true` or the reason a tag is not allowed. */
function compileAllow(matcher: TagMatcher, warnings: DecisionWarning[]): (tag: string) => true | string {
  if (matcher.kind === "any") return () => true;
  if (matcher.kind === "regexp") {
    const { regexp, error } = compilePattern(matcher.pattern);
    if (regexp === undefined) {
      warnings.push({
        setting: "allow-tags",
        message: `\`${matcher.written}\` does not compile (${error}); no tag is allowed until it is fixed`,
      });
      return () => "the allow-tags expression is invalid, so no tag is allowed";
    }
    const compiled = regexp;
    return (tag) => (compiled.test(tag) ? true : `does not match \`${matcher.written}\``);
  }
  return () => `allow-tags allows no tag: ${matcher.reason}`;
}
