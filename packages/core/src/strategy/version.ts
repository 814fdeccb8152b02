/**
 * Versions with the semantics of Masterminds/semver v3.4 `NewVersion` (the library argocd-image-updater and Flux
 * use). node-semver parses and orders the SemVer 2.0 part (pre-release and build identifiers, pre-release
 * precedence); this module is only the compatibility layer where Masterminds reads tags node-semver rejects:
 * an optional `v`, one to three numeric components (`1` and `1.2` are 1.0.0 and 1.2.0), leading zeros coerced
 * (`01.2.3`), and 64-bit unsigned components (node-semver stops at 2^53), compared as `bigint`.
 */
import { SemVer } from "semver";

/** A parsed version. Components are `bigint` so 64-bit values (date-like tags) compare exactly. */
export interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Pre-release identifiers after `-`, joined by `.`; empty when none. */
  readonly prerelease: string;
  /** Build metadata after `+`; empty when none. Ignored by comparisons, as SemVer requires. */
  readonly build: string;
  /** The text as written (the tag), used for tie-breaks and to write the result back. */
  readonly original: string;
}

const UINT64_MAX = (1n << 64n) - 1n;
const IDENTIFIER = "[0-9A-Za-z-]+";
const DOTTED = `${IDENTIFIER}(?:\\.${IDENTIFIER})*`;
const LOOSE_VERSION = new RegExp(
  `^v?(?<major>[0-9]+)(?:\\.(?<minor>[0-9]+))?(?:\\.(?<patch>[0-9]+))?(?:-(?<pre>${DOTTED}))?(?:\\+(?<build>${DOTTED}))?$`,
);
const DIGITS = /^[0-9]+$/;

/**
 * Parses `text` as Masterminds' lenient `NewVersion` does. Returns `null` when it is not a version (a git SHA,
 * `latest`, four components, a numeric pre-release identifier with a leading zero, a component above 2^64-1).
 * Never throws.
 */
export function parseVersion(text: string): Version | null {
  if (typeof text !== "string") return null;
  const match = LOOSE_VERSION.exec(text);
  const groups = match?.groups;
  if (!groups) return null;
  const major = toUint64(groups.major);
  const minor = toUint64(groups.minor ?? "0");
  const patch = toUint64(groups.patch ?? "0");
  if (major === null || minor === null || patch === null) return null;
  const prerelease = groups.pre ?? "";
  const build = groups.build ?? "";
  // The components are checked above; node-semver judges the rest (a numeric pre-release identifier with a
  // leading zero is not SemVer 2.0, and Masterminds refuses it too).
  const identifiers = semverOf(prerelease, build);
  if (identifiers === null) return null;
  const version: Version = { major, minor, patch, prerelease, build, original: text };
  if (identifiers !== NO_IDENTIFIERS) parsedIdentifiers.set(version, identifiers);
  return version;
}

/** The pre-release and build identifiers of versions made by {@link parseVersion}, parsed once. */
const parsedIdentifiers = new WeakMap<Version, SemVer>();

/** Most tags have neither pre-release nor build identifiers: they share one parse (only compared, never changed). */
const NO_IDENTIFIERS = new SemVer("0.0.0");

/** `0.0.0-<prerelease>+<build>` as node-semver parses it strictly, or `null` when it is not SemVer 2.0. */
function semverOf(prerelease: string, build: string): SemVer | null {
  if (prerelease === "" && build === "") return NO_IDENTIFIERS;
  try {
    return new SemVer(`0.0.0${prerelease === "" ? "" : `-${prerelease}`}${build === "" ? "" : `+${build}`}`);
  } catch {
    return null;
  }
}

function identifiersOf(version: Version): SemVer | null {
  return parsedIdentifiers.get(version) ?? semverOf(version.prerelease, version.build);
}

/**
 * SemVer precedence: components numerically (64-bit), then node-semver's pre-release precedence (a release
 * above its pre-releases, identifiers field by field: numbers numerically and below words, words in ASCII
 * order, fewer fields first). Build metadata is ignored, so `1.0.0+a` and `1.0.0+b` compare equal.
 * Returns -1, 0 or 1.
 */
export function compareVersions(a: Version, b: Version): number {
  return (
    compareBig(a.major, b.major) ||
    compareBig(a.minor, b.minor) ||
    compareBig(a.patch, b.patch) ||
    comparePrerelease(a, b)
  );
}

/**
 * The total order the semver strategy sorts by: precedence, then the original text byte-wise ascending, as
 * argocd-image-updater breaks ties (`v2.0` before `v2.0.0`, so `v2.0.0` wins).
 */
export function compareVersionsWithTieBreak(a: Version, b: Version): number {
  return compareVersions(a, b) || compareText(a.original, b.original);
}

/**
 * Byte-wise comparison of the UTF-8 encodings, as Go compares strings (code point order; for ASCII tags the
 * same as `<`). Returns -1, 0 or 1.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) < utf8Rank(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

/** Maps a UTF-16 code unit so that code unit order becomes code point (= UTF-8 byte) order. */
function utf8Rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

function comparePrerelease(a: Version, b: Version): number {
  if (a.prerelease === b.prerelease) return 0;
  const x = identifiersOf(a);
  const y = identifiersOf(b);
  // Unreachable for versions from parseVersion; a hand-made invalid one ranks below valid ones.
  if (x === null || y === null) return x === y ? compareText(a.prerelease, b.prerelease) : x === null ? -1 : 1;
  return x.comparePre(y);
}

/** The components most tags use, made once: a fleet's parsed listings would otherwise hold a bigint each. */
const SMALL = Array.from({ length: 1024 }, (_, i) => BigInt(i));

function toUint64(digits: string | undefined): bigint | null {
  if (digits === undefined || !DIGITS.test(digits)) return null;
  if (digits.length <= 4) {
    const small = SMALL[Number(digits)];
    if (small !== undefined) return small;
  }
  const value = BigInt(digits);
  return value > UINT64_MAX ? null : value;
}

function compareBig(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
