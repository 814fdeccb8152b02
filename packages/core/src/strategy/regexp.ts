/**
 * Tag patterns are written in Go's RE2 syntax (argocd-image-updater `allow-tags: regexp:…`, Flux
 * `filterTags.pattern`) and evaluated by re2js, a pure-JavaScript port of RE2: the syntax is Go's own
 * (`(?P<name>…)`, `(?i)`, `\A`, `\z`, `\Q…\E`, `[[:alpha:]]`, `\pL`) and matching runs in time linear in the
 * tag, so no pattern can stall the process. Matching is unanchored, as RE2's `MatchString`.
 */
import { RE2JS } from "re2js";

/** A pattern compiled by the RE2 engine. */
export interface CompiledPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Number of capture groups. */
  readonly groupCount: number;
  /** Names of the named groups (`(?P<name>…)`, `(?<name>…)`). */
  readonly groupNames: readonly string[];
  /** True when the pattern matches somewhere in `text`. */
  test(text: string): boolean;
  /**
   * The leftmost match: index 0 is the whole match, then each group (`undefined` when it did not take part);
   * `groups` maps names to texts. `null` when nothing matches.
   */
  exec(text: string): PatternMatch | null;
}

/** One match of a {@link CompiledPattern}. */
export interface PatternMatch {
  readonly [index: number]: string | undefined;
  readonly groups: Readonly<Record<string, string | undefined>>;
}

/** A compiled pattern, or why it is not valid. */
export interface PatternCompileResult {
  readonly regexp?: CompiledPattern;
  /** What is wrong; set exactly when `regexp` is absent. */
  readonly error?: string;
}

const MAX_LENGTH = 4096;

/** Compiles an RE2 pattern. Never throws. */
export function compilePattern(pattern: string): PatternCompileResult {
  if (typeof pattern !== "string") return { error: "the pattern must be a string" };
  if (pattern.length > MAX_LENGTH) return { error: `the pattern is longer than ${MAX_LENGTH} characters` };
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    return { error: message.replace(/^error parsing regexp: /, "") || "the pattern is not a valid regular expression" };
  }
  const groupNames = Object.keys(compiled.namedGroups());
  return {
    regexp: {
      source: pattern,
      groupCount: compiled.groupCount(),
      groupNames,
      test: (text) => typeof text === "string" && compiled.test(text),
      exec(text) {
        if (typeof text !== "string") return null;
        const match = compiled.exec(text) as (string | undefined)[] | null;
        if (match === null) return null;
        const groups: Record<string, string | undefined> = Object.create(null);
        const named = (match as unknown as { groups?: Record<string, string | undefined> }).groups;
        for (const name of groupNames) groups[name] = named?.[name];
        return Object.assign([...match], { groups });
      },
    },
  };
}
