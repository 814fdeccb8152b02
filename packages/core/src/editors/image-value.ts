/**
 * The new text of a key holding an image's spec (`repo:tag[@digest]`), name or tag, from what the key holds
 * now (`undefined` when missing). Shared by the values-style editors: Helm values, override-file parameters
 * and Flux setters.
 */
import type { Diagnostic } from "../config/diagnostic.js";
import { digestToWrite } from "./digest-policy.js";
import { joinImage, sameImageName, splitImage } from "./image-match.js";
import type { ImageChange } from "./types.js";

/** `repo:tag[@digest]`; a name already naming the watched image in another spelling is kept as written. */
export function imageSpecValue(
  change: ImageChange,
  current: string | undefined,
  where: string,
  diagnostics: Diagnostic[],
  label?: string,
): string {
  const watched = splitImage(change.image).name;
  const written = current === undefined ? undefined : splitImage(current);
  const name = written !== undefined && sameImageName(written.name, watched) ? written.name : watched;
  const digest = digestToWrite(change, written?.digest !== undefined, where, diagnostics, label);
  return joinImage(name, change.newTag, digest);
}

/** The watched image's name, or `null` when the key already names it (in any spelling). */
export function imageNameValue(change: ImageChange, current: string | undefined): string | null {
  const watched = splitImage(change.image).name;
  return current !== undefined && sameImageName(splitImage(current).name, watched) ? null : watched;
}

/** `tag[@digest]`: the digest is kept pinned when the key pins one, or added when the change pins digests. */
export function imageTagValue(
  change: ImageChange,
  current: string | undefined,
  where: string,
  diagnostics: Diagnostic[],
  label?: string,
): string {
  const digest = digestToWrite(change, current?.includes("@") ?? false, where, diagnostics, label);
  return digest === undefined ? change.newTag : `${change.newTag}@${digest}`;
}
