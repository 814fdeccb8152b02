/**
 * Parsers for the per-image settings shared by annotations and the CRD: strategy names, `allow-tags`,
 * `ignore-tags`, booleans. Each returns a usable value plus diagnostics, never throws.
 */
import type { Diagnostic } from "./diagnostic.js";
import type { TagMatcher } from "./types.js";

/** Strategy names built into core, canonical spelling. */
export const BUILT_IN_STRATEGIES: readonly string[] = ["semver", "newest-build", "alphabetical", "digest", "numerical"];

/** Deprecated spellings and what they mean. */
export const STRATEGY_ALIASES: Readonly<Record<string, string>> = { latest: "newest-build", name: "alphabetical" };

/** Where a setting came from, for diagnostics. */
export interface SettingContext {
  /** Annotation key or field path. */
  readonly key: string;
  /** Image alias, when the setting belongs to an image. */
  readonly alias?: string;
}

/** A parsed setting. */
export interface Setting<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Canonical strategy name of `text` (case-insensitive). `latest` and `name` resolve with a warning;
 * an unknown name is a warning and gives `semver`, as argocd-image-updater does. Names in `known`
 * (custom registered strategies) are accepted as written.
 */
export function parseStrategyName(
  text: string,
  context: SettingContext,
  known: readonly string[] = [],
): Setting<string> {
  const written = String(text).trim();
  const custom = known.find((name) => name === written);
  if (custom !== undefined) return { value: custom, diagnostics: [] };
  const lower = written.toLowerCase();
  if (BUILT_IN_STRATEGIES.includes(lower)) return { value: lower, diagnostics: [] };
  const alias = STRATEGY_ALIASES[lower];
  if (alias !== undefined) {
    return {
      value: alias,
      diagnostics: [diag(context, "warning", `update strategy \`${written}\` is deprecated; write \`${alias}\``)],
    };
  }
  const names = [...BUILT_IN_STRATEGIES, ...known].map((n) => `\`${n}\``).join(", ");
  return {
    value: "semver",
    diagnostics: [
      diag(context, "warning", `unknown update strategy \`${written}\`, using \`semver\`; write one of ${names}`),
    ],
  };
}

/**
 * Parses `allow-tags`: `any`, or `regexp:<expression>` (prefix case-insensitive, unanchored match).
 * The expression is RE2 (Go) syntax: features JavaScript has but RE2 rejects (look-around,
 * back-references) are refused so a configuration means the same here and in argocd-image-updater.
 * Anything invalid fails closed (`none`) with an error diagnostic.
 */
export function parseAllowTags(text: string, context: SettingContext): Setting<TagMatcher> {
  const written = String(text).trim();
  const none = (reason: string): Setting<TagMatcher> => ({
    value: { kind: "none", reason },
    diagnostics: [diag(context, "error", `${reason}; no tag is allowed until it is fixed`)],
  });
  if (written.toLowerCase() === "any") return { value: { kind: "any" }, diagnostics: [] };
  const colon = written.indexOf(":");
  if (colon === -1 || written.slice(0, colon).toLowerCase() !== "regexp") {
    return none(
      `allow-tags \`${written}\` is neither \`any\` nor \`regexp:<expression>\`; write e.g. \`regexp:^v[0-9]+\\.[0-9]+\\.[0-9]+$\``,
    );
  }
  const expression = written.slice(colon + 1);
  const translated = translateRe2(expression);
  if (typeof translated === "string") return none(`allow-tags expression \`${expression}\` ${translated}`);
  try {
    new RegExp(translated.pattern, translated.flags);
  } catch (error) {
    return none(`allow-tags expression \`${expression}\` does not compile (${(error as Error).message})`);
  }
  return {
    value: { kind: "regexp", pattern: translated.pattern, flags: translated.flags, written: expression },
    diagnostics: [],
  };
}

/** RE2 → JavaScript: returns the JS pattern and flags, or why the expression is not portable RE2. */
function translateRe2(expression: string): { pattern: string; flags: string } | string {
  if (/\(\?<?[=!]/.test(expression))
    return "uses look-around, which RE2 (Go) does not support; rewrite it without `(?=`, `(?!`, `(?<=`, `(?<!`";
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(expression)) return "uses a back-reference, which RE2 (Go) does not support";
  if (/(^|[^\\])(\\\\)*\\k</.test(expression)) return "uses a named back-reference, which RE2 (Go) does not support";
  let pattern = expression;
  let flags = "";
  const leading = /^\(\?([imsU]+)\)/.exec(pattern);
  if (leading) {
    if (leading[1]!.includes("U"))
      return "uses the `U` (ungreedy) flag, which has no JavaScript equivalent; use lazy quantifiers (`*?`)";
    flags = [...new Set(leading[1]!)].sort().join("");
    pattern = pattern.slice(leading[0].length);
  }
  if (/\(\?[imsU-]+[):]/.test(pattern))
    return "sets flags inside the expression; only a leading `(?i)`, `(?m)` or `(?s)` is supported";
  pattern = pattern.replaceAll("(?P<", "(?<").replaceAll("\\A", "^").replaceAll("\\z", "$");
  return { pattern, flags };
}

/** Parses a comma-separated glob list (`latest, dev-*`): entries trimmed, empty ones dropped. */
export function parseIgnoreTags(text: string, context: SettingContext): Setting<readonly string[]> {
  return parseGlobList(String(text).split(","), context);
}

/** Validates a list of tag globs; an unbalanced `[` is reported (Go's `filepath.Match` rejects it, so it matches nothing). */
export function parseGlobList(globs: readonly string[], context: SettingContext): Setting<readonly string[]> {
  const value: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const raw of globs) {
    const glob = String(raw).trim();
    if (glob === "") continue;
    if (!balancedBrackets(glob)) {
      diagnostics.push(
        diag(
          context,
          "warning",
          `ignore-tags pattern \`${glob}\` has an unclosed \`[\` and matches nothing; close it or escape it as \`\\[\``,
        ),
      );
    }
    value.push(glob);
  }
  return { value, diagnostics };
}

/** True when every `[` of a glob is closed (escapes honoured). */
export function balancedBrackets(glob: string): boolean {
  let open = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\") i++;
    else if (c === "[" && !open) open = true;
    else if (c === "]" && open) open = false;
  }
  return !open;
}

/**
 * Parses a boolean like Go's `strconv.ParseBool` (`1`, `t`, `true`, `0`, `f`, `false`, any case). An invalid
 * value is an error and gives `fallback`.
 */
export function parseBooleanSetting(text: string, context: SettingContext, fallback: boolean): Setting<boolean> {
  const written = String(text).trim();
  const lower = written.toLowerCase();
  if (["1", "t", "true"].includes(lower)) return { value: true, diagnostics: [] };
  if (["0", "f", "false"].includes(lower)) return { value: false, diagnostics: [] };
  return {
    value: fallback,
    diagnostics: [
      diag(context, "error", `\`${written}\` is not a boolean; write \`true\` or \`false\` (using ${fallback})`),
    ],
  };
}

/** Builds a diagnostic for `context`. */
export function diag(context: SettingContext, severity: Diagnostic["severity"], message: string): Diagnostic {
  return { severity, key: context.key, message, ...(context.alias ? { image: context.alias } : {}) };
}
