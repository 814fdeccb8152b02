/**
 * Version constraints with the semantics of Masterminds/semver v3.4 `NewConstraint` and `Check`, which
 * argocd-image-updater applies to the text after `:` in `image-list` (`~1.2`, `^1.0`, `1.x`, `>=1.0 <2.0`,
 * `1.0 - 2.0 || 3.x`). Parsed with a linear hand-written scanner so a hostile constraint cannot make a regular
 * expression backtrack. Differences from node-semver ranges are deliberate and listed in the README.
 */
import { compareVersions, parseVersion, type Version } from "./version.js";

/** Why a version does not satisfy a constraint. */
export type ConstraintMismatch = "pre-release" | "constraint";

/** A parsed constraint. Immutable and safe to share. */
export interface VersionConstraint {
  /** The constraint as written. */
  readonly text: string;
  /** True when some `||` alternative names a pre-release (`>=1.0.0-0`, `2.x-0`), which lets pre-releases match it. */
  readonly allowsPrerelease: boolean;
  /** `null` when `version` satisfies the constraint, else why not. */
  check(version: Version): ConstraintMismatch | null;
}

/** Result of {@link parseVersionConstraint}: a constraint, or an error saying what is wrong. */
export interface ConstraintParseResult {
  readonly constraint?: VersionConstraint;
  /** What is wrong and what to write instead; set exactly when `constraint` is absent. */
  readonly error?: string;
}

type Operator = "=" | "!=" | ">" | "<" | ">=" | "<=" | "~" | "^";

interface Term {
  readonly operator: Operator;
  readonly version: Version;
  /** A component was a wildcard or missing (`1.x`, `1.2`, `*`). */
  readonly dirty: boolean;
  /** The minor component was a wildcard or missing (`1`, `1.x`). */
  readonly minorDirty: boolean;
  /** The patch component was a wildcard or missing (`1.2`, `1.2.x`). */
  readonly patchDirty: boolean;
}

interface Alternative {
  readonly terms: readonly Term[];
  readonly allowsPrerelease: boolean;
}

/** Longest spellings first, so `>=` is not read as `>` followed by `=`. */
const OPERATORS: readonly (readonly [string, Operator])[] = [
  ["!=", "!="],
  [">=", ">="],
  ["=>", ">="],
  ["<=", "<="],
  ["=<", "<="],
  ["~>", "~"],
  ["=", "="],
  [">", ">"],
  ["<", "<"],
  ["~", "~"],
  ["^", "^"],
];
const MAX_LENGTH = 1024;
const IDENTIFIER = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
const PART = "[0-9xX*|]+";
const CONSTRAINT_VERSION = `v?${PART}(?:\\.${PART}){0,2}(?:-${IDENTIFIER})?(?:\\+${IDENTIFIER})?`;
/** `A - B` becomes `>= A, <= B`, before `||` is split, as Masterminds rewrites hyphen ranges. */
const HYPHEN_RANGE = new RegExp(
  `[\\t\\n\\f\\r ]*(${CONSTRAINT_VERSION})[\\t\\n\\f\\r ]+-[\\t\\n\\f\\r ]+(${CONSTRAINT_VERSION})[\\t\\n\\f\\r ]*`,
  "g",
);
const VERSION_AT = new RegExp(CONSTRAINT_VERSION, "y");

/**
 * Parses a constraint. Never throws: an invalid constraint (`latest`, `1.2.3.4`, `>= bar`, an empty string)
 * gives an `error`. argocd-image-updater treats an empty constraint as `*`; that mapping is the caller's
 * (the semver strategy does it).
 */
export function parseVersionConstraint(text: string): ConstraintParseResult {
  if (typeof text !== "string") return { error: "the constraint must be a string" };
  if (text.length > MAX_LENGTH) return { error: `the constraint is longer than ${MAX_LENGTH} characters` };
  const rewritten = text.replace(HYPHEN_RANGE, (_whole, from: string, to: string) => `>= ${from}, <= ${to} `);
  const alternatives: Alternative[] = [];
  for (const segment of rewritten.split("||")) {
    const terms = parseAlternative(segment);
    if (typeof terms === "string") return { error: invalidMessage(text, terms) };
    alternatives.push({ terms, allowsPrerelease: terms.some((term) => term.version.prerelease !== "") });
  }
  const constraint: VersionConstraint = {
    text,
    allowsPrerelease: alternatives.some((alternative) => alternative.allowsPrerelease),
    check(version) {
      for (const alternative of alternatives) {
        // Masterminds lets a pre-release match only alternatives that name a pre-release themselves.
        if (version.prerelease !== "" && !alternative.allowsPrerelease) continue;
        if (alternative.terms.every((term) => satisfies(version, term))) return null;
      }
      return version.prerelease !== "" && !constraint.allowsPrerelease ? "pre-release" : "constraint";
    },
  };
  return { constraint };
}

function invalidMessage(text: string, problem: string): string {
  return (
    `\`${text}\` is not a valid version constraint (${problem}); write e.g. \`1.2.x\`, \`~1.2\`, \`^1.0\`, ` +
    "`>=1.0 <2.0` or `1.0 - 2.0 || 3.x`"
  );
}

/** One `||` alternative: terms separated by whitespace or a comma. Returns the terms or a problem. */
function parseAlternative(segment: string): Term[] | string {
  const terms: Term[] = [];
  let position = skipSpace(segment, 0);
  if (position === segment.length) return "an alternative of `||` is empty";
  for (;;) {
    const spelled = OPERATORS.find(([spelling]) => segment.startsWith(spelling, position));
    const operator: Operator = spelled?.[1] ?? "=";
    position = skipSpace(segment, position + (spelled?.[0].length ?? 0));
    VERSION_AT.lastIndex = position;
    const written = VERSION_AT.exec(segment)?.[0];
    if (written === undefined) {
      const rest = segment.slice(position, position + 10);
      return rest === "" ? "an operator is not followed by a version" : `\`${rest}\` is not a version`;
    }
    position += written.length;
    const term = toTerm(operator, written);
    if (typeof term === "string") return term;
    terms.push(term);
    // Between terms Masterminds wants whitespace or a comma (with optional whitespace around it).
    const afterSpace = skipSpace(segment, position);
    if (afterSpace === segment.length) break;
    if (segment[afterSpace] === ",") position = skipSpace(segment, afterSpace + 1);
    else if (afterSpace > position) position = afterSpace;
    else return `unexpected \`${segment.slice(position, position + 10)}\``;
    if (position === segment.length) return "a comma is not followed by a constraint";
  }
  return terms;
}

function toTerm(operator: Operator, written: string): Term | string {
  const body = written.startsWith("v") ? written.slice(1) : written;
  const buildAt = body.indexOf("+");
  const withoutBuild = buildAt === -1 ? body : body.slice(0, buildAt);
  const preAt = withoutBuild.indexOf("-");
  const numbers = preAt === -1 ? withoutBuild : withoutBuild.slice(0, preAt);
  const pre = preAt === -1 ? "" : withoutBuild.slice(preAt);
  const [major = "", minor, patch] = numbers.split(".");
  // Masterminds reads only the components up to the first wildcard or missing one; what follows is ignored.
  let normalised: string;
  let dirty = true;
  let minorDirty = false;
  let patchDirty = false;
  if (isWildcard(major)) {
    normalised = `0.0.0${pre}`;
  } else if (minor === undefined || isWildcard(minor)) {
    minorDirty = true;
    normalised = `${major}.0.0${pre}`;
  } else if (patch === undefined || isWildcard(patch)) {
    patchDirty = true;
    normalised = `${major}.${minor}.0${pre}`;
  } else {
    dirty = false;
    normalised = written;
  }
  const version = parseVersion(normalised);
  if (version === null) return `\`${written}\` is not a version`;
  return { operator, version, dirty, minorDirty, patchDirty };
}

function isWildcard(part: string): boolean {
  return part === "x" || part === "X" || part === "*";
}

function skipSpace(text: string, position: number): number {
  let at = position;
  // Go's `\s`: ASCII whitespace without vertical tab.
  while (at < text.length && "\t\n\f\r ".includes(text[at] as string)) at++;
  return at;
}

function satisfies(v: Version, term: Term): boolean {
  const c = term.version;
  switch (term.operator) {
    case "=":
      return term.dirty ? tilde(v, term) : compareVersions(v, c) === 0;
    case "!=":
      return notEqual(v, term);
    case ">":
      return greaterThan(v, term);
    case "<":
      // Masterminds compares against the zero-filled version even when the term has wildcards: `<1.x` is `<1.0.0`.
      return compareVersions(v, c) < 0;
    case ">=":
      return compareVersions(v, c) >= 0;
    case "<=":
      return lessOrEqual(v, term);
    case "~":
      return tilde(v, term);
    case "^":
      return caret(v, term);
  }
}

function notEqual(v: Version, term: Term): boolean {
  const c = term.version;
  if (term.dirty) {
    if (c.major !== v.major) return true;
    if (term.minorDirty) return false;
    if (c.minor !== v.minor) return true;
    // `!=1.2` excludes the 1.2.x releases, and pre-releases only when they carry the constraint's own tag.
    if (term.patchDirty) return v.prerelease !== c.prerelease;
  }
  return compareVersions(v, c) !== 0;
}

function greaterThan(v: Version, term: Term): boolean {
  const c = term.version;
  if (!term.dirty) return compareVersions(v, c) > 0;
  if (v.major !== c.major) return v.major > c.major;
  // `>1` means 2.0.0 or later; `>1.2` means 1.3.0 or later (pre-releases of those included when allowed).
  if (term.minorDirty) return false;
  if (term.patchDirty) return v.minor > c.minor;
  return compareVersions(v, c) > 0;
}

function lessOrEqual(v: Version, term: Term): boolean {
  const c = term.version;
  if (!term.dirty) return compareVersions(v, c) <= 0;
  if (v.major > c.major) return false;
  return !(v.major === c.major && v.minor > c.minor && !term.minorDirty);
}

function tilde(v: Version, term: Term): boolean {
  const c = term.version;
  if (compareVersions(v, c) < 0) return false;
  // `~0.0.0` (and `~*`) accepts everything at or above 0.0.0.
  if (c.major === 0n && c.minor === 0n && c.patch === 0n && !term.minorDirty && !term.patchDirty) return true;
  if (v.major !== c.major) return false;
  return term.minorDirty || v.minor === c.minor;
}

function caret(v: Version, term: Term): boolean {
  const c = term.version;
  if (compareVersions(v, c) < 0) return false;
  if (c.major > 0n || term.minorDirty) return v.major === c.major;
  if (v.major > 0n) return false;
  if (c.minor > 0n || term.patchDirty) return v.minor === c.minor;
  if (v.minor > 0n) return false;
  return v.patch === c.patch;
}
