/**
 * Parsers for the per-image settings shared by annotations and the CRD: strategy names, `allow-tags`,
 * `ignore-tags`, booleans. Each returns a usable value plus diagnostics, never throws.
 */
import { compileGlob } from "../strategy/glob.js";
import { compilePattern } from "../strategy/regexp.js";
import type { Diagnostic } from "./diagnostic.js";
import type { TagMatcher } from "./types.js";

/** Strategy names built into core, canonical spelling. */
export const BUILT_IN_STRATEGIES: readonly string[] = ["semver", "newest-build", "alphabetical", "digest", "numerical"];

/** Deprecated spellings and what they mean. */
export const STRATEGY_ALIASES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, { latest: "newest-build", name: "alphabetical" }),
);

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
 * (custom registered strategies) are accepted; like every name, in lowercase.
 */
export function parseStrategyName(
  text: string,
  context: SettingContext,
  known: readonly string[] = [],
): Setting<string> {
  const written = String(text).trim();
  const lower = written.toLowerCase();
  const custom = known.find((name) => name.toLowerCase() === lower);
  if (custom !== undefined) return { value: custom.toLowerCase(), diagnostics: [] };
  if (BUILT_IN_STRATEGIES.includes(lower)) return { value: lower, diagnostics: [] };
  // Own keys only: `__proto__` or `constructor` must read as an unknown name, not as Object.prototype's.
  const alias = Object.hasOwn(STRATEGY_ALIASES, lower) ? STRATEGY_ALIASES[lower] : undefined;
  if (alias !== undefined) {
    return {
      value: alias,
      diagnostics: [diag(context, "warning", `update strategy \`${written}\` is deprecated; write \`${alias}\``)],
    };
  }
  // `known` is usually the engine's whole registry, built-ins included: name each strategy once.
  const names = [...new Set([...BUILT_IN_STRATEGIES, ...known])].map((n) => `\`${n}\``).join(", ");
  return {
    value: "semver",
    diagnostics: [
      diag(context, "warning", `unknown update strategy \`${written}\`, using \`semver\`; write one of ${names}`),
    ],
  };
}

/**
 * Parses `allow-tags`: `any`, or `regexp:<expression>` (prefix case-insensitive, unanchored match). The
 * expression is RE2 (Go) syntax, evaluated by an RE2 engine in linear time. Features other engines have but
 * RE2 rejects (look-around, back-references) are refused with a hint, so a configuration means the same here
 * as in argocd-image-updater. Anything invalid fails closed (`none`) with an error diagnostic.
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
  const rejected = re2Problem(expression);
  if (rejected !== undefined) return none(`allow-tags expression \`${expression}\` is invalid: ${rejected}`);
  const compiled = compilePattern(expression);
  if (compiled.regexp === undefined) {
    return none(`allow-tags expression \`${expression}\` is invalid: ${compiled.error}`);
  }
  return {
    value: { kind: "regexp", pattern: expression, written: expression },
    diagnostics: [],
  };
}

/** Why `pattern` uses syntax RE2 (Go) rejects, or `undefined`. */
function re2Problem(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) {
    return "look-around (`(?=`, `(?!`, `(?<=`, `(?<!`) is not RE2 syntax and argocd-image-updater rejects it; rewrite it without";
  }
  if (/(^|[^\\])(\\\\)*\\([1-9]|k<)/.test(pattern)) {
    return "back-references are not RE2 syntax and argocd-image-updater rejects them";
  }
  return undefined;
}

const NAMESPACE = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const OBJECT_NAME = "[a-z0-9]([-.a-z0-9]*[a-z0-9])?";
const FLUX_POLICY = new RegExp(`^${NAMESPACE}:${OBJECT_NAME}$`);

/**
 * Parses `flux-policy`: the Flux `ImagePolicy` `<namespace>:<name>` as setter markers name it
 * (`# {"$imagepolicy": "flux-system:myapp"}`). Invalid: no value and an error diagnostic.
 */
export function parseFluxPolicy(text: string, context: SettingContext): Setting<string | undefined> {
  const written = String(text).trim();
  if (FLUX_POLICY.test(written)) return { value: written, diagnostics: [] };
  const message = `flux-policy \`${written}\` is not \`<namespace>:<name>\` of an ImagePolicy; write e.g. \`flux-system:myapp\`, as the \`$imagepolicy\` markers name it`;
  return { value: undefined, diagnostics: [diag(context, "error", `${message}; no marker is written for this image`)] };
}

/** Parses a comma-separated glob list (`latest, dev-*`): entries trimmed, empty ones dropped. */
export function parseIgnoreTags(text: string, context: SettingContext): Setting<readonly string[]> {
  return parseGlobList(String(text).split(","), context);
}

/** Validates a list of Go `filepath.Match` globs; a malformed one is reported (it matches nothing). */
export function parseGlobList(globs: readonly string[], context: SettingContext): Setting<readonly string[]> {
  const value: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const raw of globs) {
    const glob = String(raw).trim();
    if (glob === "") continue;
    const problem = compileGlob(glob).error;
    if (problem !== undefined) {
      diagnostics.push(
        diag(
          context,
          "warning",
          `ignore-tags pattern \`${glob}\` ${problem} and matches nothing; fix it or escape \`[\` as \`\\[\``,
        ),
      );
    }
    value.push(glob);
  }
  return { value, diagnostics };
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
