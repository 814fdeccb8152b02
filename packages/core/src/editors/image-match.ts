/**
 * The editors' view of image references, on top of core's image module: split a written reference, compare
 * names after normalising (`nginx` ≡ `docker.io/library/nginx`), and compose a new reference keeping the
 * file's own spelling of the name.
 */
import { DOCKER_HUB_REGISTRY, parseImageName, sameImage, splitReference } from "../image/index.js";

/** A reference as written: name, optional tag and digest. */
export interface WrittenImage {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `name[:tag][@digest]` without validating; the tag colon is the one after the last `/`. */
export function splitImage(text: string): WrittenImage {
  return splitReference(text.trim());
}

/** True when both texts name the same repository, whatever their spelling, tag or digest. */
export function sameImageName(a: string, b: string): boolean {
  return sameImage(splitImage(a).name, splitImage(b).name);
}

/** `name[:tag][@digest]`. */
export function joinImage(name: string, tag: string | undefined, digest: string | undefined): string {
  return `${name}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
}

/**
 * `name` spelled in the form `written` uses, the one rule every editor follows when it must write a name: a
 * file that already names the image keeps its spelling; otherwise a Docker Hub name keeps the file's choice of
 * registry (`docker.io/` written or not) and of `library/` for official images. Another registry is always
 * written, since leaving it out would name a Docker Hub image. `written` absent or unreadable: `name` as given.
 */
export function nameInFormOf(name: string, written: string | undefined): string {
  if (written === undefined || written === "") return name;
  const was = parseImageName(splitImage(written).name);
  const target = parseImageName(splitImage(name).name);
  if (typeof was === "string" || typeof target === "string") return name;
  if (was.registry === target.registry && was.repository === target.repository) return was.writtenName;
  if (target.registry !== DOCKER_HUB_REGISTRY) return `${target.registry}/${target.repository}`;
  const withLibrary = was.repository.startsWith("library/") && pathOf(was).startsWith("library/");
  const official = target.repository.startsWith("library/") && target.repository.split("/").length === 2;
  const path = official && !withLibrary ? target.repository.slice("library/".length) : target.repository;
  if (!was.registryExplicit) return path;
  const hub = was.registry === DOCKER_HUB_REGISTRY ? was.writtenName.slice(0, was.writtenName.indexOf("/")) : "";
  return `${hub || DOCKER_HUB_REGISTRY}/${path}`;
}

/** The repository path as written, without the registry. */
function pathOf(name: { readonly writtenName: string; readonly registryExplicit: boolean }): string {
  return name.registryExplicit ? name.writtenName.slice(name.writtenName.indexOf("/") + 1) : name.writtenName;
}
