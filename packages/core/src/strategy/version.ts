/**
 * Versions with the semantics of Masterminds/semver v3.4 `NewVersion` (the library argocd-image-updater and Flux
 * use): an optional `v`, one to three numeric components (`1` and `1.2` are 1.0.0 and 1.2.0), leading zeros
 * coerced, 64-bit unsigned components, validated pre-release and build parts. Written here rather than delegated
 * to the `semver` npm package because node-semver rejects or reads differently several tags that Masterminds
 * accepts (`v1.2`, `1`, `01.2.3`, components above 2^53); see the README for the list.
 */

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
  if (prerelease !== "" && !validPrerelease(prerelease)) return null;
  return { major, minor, patch, prerelease, build: groups.build ?? "", original: text };
}

/**
 * SemVer precedence: components numerically, a release above its pre-releases, pre-release identifiers
 * compared field by field (numbers numerically and below words, words byte-wise, fewer fields first).
 * Build metadata is ignored, so `1.0.0+a` and `1.0.0+b` compare equal. Returns -1, 0 or 1.
 */
export function compareVersions(a: Version, b: Version): number {
  return (
    compareBig(a.major, b.major) ||
    compareBig(a.minor, b.minor) ||
    compareBig(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
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

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  // A release ranks above any of its pre-releases.
  if (a === "") return 1;
  if (b === "") return -1;
  const left = a.split(".");
  const right = b.split(".");
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i];
    const y = right[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = numericIdentifier(x);
    const yn = numericIdentifier(y);
    if (xn !== null && yn !== null) return compareBig(xn, yn);
    if (xn !== null) return -1;
    if (yn !== null) return 1;
    return compareText(x, y);
  }
  return 0;
}

function numericIdentifier(identifier: string): bigint | null {
  return DIGITS.test(identifier) ? toUint64(identifier) : null;
}

function validPrerelease(prerelease: string): boolean {
  for (const identifier of prerelease.split(".")) {
    if (identifier === "") return false;
    // SemVer forbids leading zeros in numeric identifiers; Masterminds enforces it even in lenient mode.
    if (DIGITS.test(identifier) && identifier.length > 1 && identifier.startsWith("0")) return false;
  }
  return true;
}

function toUint64(digits: string | undefined): bigint | null {
  if (digits === undefined || !DIGITS.test(digits)) return null;
  const value = BigInt(digits);
  return value > UINT64_MAX ? null : value;
}

function compareBig(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
