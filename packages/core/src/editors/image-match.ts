/**
 * The editors' view of image references: split a written reference, compare names after normalising
 * (`nginx` ≡ `docker.io/library/nginx`), and compose a new reference keeping the file's name spelling.
 */

/** A reference as written: name, optional tag and digest. */
export interface WrittenImage {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `name[:tag][@digest]`; the tag colon is the one after the last `/`. */
export function splitImage(text: string): WrittenImage {
  const trimmed = text.trim();
  const at = trimmed.indexOf("@");
  const beforeDigest = at < 0 ? trimmed : trimmed.slice(0, at);
  const colon = beforeDigest.indexOf(":", beforeDigest.lastIndexOf("/") + 1);
  const name = colon < 0 ? beforeDigest : beforeDigest.slice(0, colon);
  return {
    name,
    ...(colon < 0 ? {} : { tag: beforeDigest.slice(colon + 1) }),
    ...(at < 0 ? {} : { digest: trimmed.slice(at + 1) }),
  };
}

function looksLikeRegistry(segment: string): boolean {
  return segment.includes(".") || segment.includes(":") || segment === "localhost" || segment !== segment.toLowerCase();
}

/** `registry/repository` with Docker Hub's implicit parts made explicit; tag and digest dropped. */
export function canonicalImageName(text: string): string {
  const { name } = splitImage(text);
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const explicit = slash >= 0 && looksLikeRegistry(first);
  let registry = explicit ? first : "docker.io";
  if (registry === "index.docker.io") registry = "docker.io";
  const path = explicit ? name.slice(slash + 1) : name;
  const repository = registry === "docker.io" && !path.includes("/") ? `library/${path}` : path;
  return `${registry}/${repository}`;
}

/** True when both texts name the same repository, whatever their spelling, tag or digest. */
export function sameImageName(a: string, b: string): boolean {
  return a.trim() !== "" && b.trim() !== "" && canonicalImageName(a) === canonicalImageName(b);
}

/** `name[:tag][@digest]`. */
export function joinImage(name: string, tag: string | undefined, digest: string | undefined): string {
  return `${name}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
}
