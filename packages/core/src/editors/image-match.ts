/**
 * The editors' view of image references, on top of core's image module: split a written reference, compare
 * names after normalising (`nginx` ≡ `docker.io/library/nginx`), and compose a new reference keeping the
 * file's own spelling of the name.
 */
import { sameImage, splitReference } from "../image/index.js";

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
