/**
 * The OCI / Docker reference grammar as regular expressions. Kept apart so the reference parser, the
 * image-list parser and the editors agree on one definition.
 */

/** One path component: lowercase alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A registry host (DNS name or bracketed IPv6) with an optional port. */
export const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

/** A tag: word character first, then up to 127 word characters, dots or dashes. */
export const TAG = /^[\w][\w.-]{0,127}$/;

/** A digest: `algorithm:encoded`. Known algorithms are checked for their exact hex length separately. */
export const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Hex lengths of the digest algorithms registries use. */
export const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Longest name the distribution spec allows (registry included). */
export const MAX_NAME_LENGTH = 255;

/** True when `component` (the first segment of a name) is a registry host rather than a namespace. */
export function looksLikeRegistry(component: string): boolean {
  return (
    component.includes(".") ||
    component.includes(":") ||
    component === "localhost" ||
    component !== component.toLowerCase()
  );
}

/** Why `digest` is not a valid digest, or `undefined` when it is. */
export function digestProblem(digest: string): string | undefined {
  if (!DIGEST.test(digest)) return "a digest is `algorithm:hex`, e.g. `sha256:` followed by 64 hex digits";
  const [algorithm = "", encoded = ""] = digest.split(":");
  const length = DIGEST_HEX_LENGTHS[algorithm];
  if (length !== undefined && !new RegExp(`^[a-f0-9]{${length}}$`).test(encoded)) {
    return `a ${algorithm} digest has exactly ${length} lowercase hex digits after \`${algorithm}:\``;
  }
  if (length === undefined && !/^[a-f0-9]{32,}$/.test(encoded)) {
    return "a digest has at least 32 lowercase hex digits after the algorithm";
  }
  return undefined;
}
