/**
 * The new text of a key holding an image's spec (`repo:tag[@digest]`), name or tag, from what the key holds
 * now (`undefined` when missing). Shared by the values-style editors: Helm values, override-file parameters
 * and Flux setters.
 */
import type { Diagnostic } from "../config/diagnostic.js";
import { parseImageName } from "../image/index.js";
import { digestToWrite } from "./digest-policy.js";
import { joinImage, nameInFormOf, sameImageName, splitImage } from "./image-match.js";
import type { ImageChange } from "./types.js";

/** `repo:tag[@digest]`; the name keeps the form the key already uses ({@link nameInFormOf}). */
export function imageSpecValue(
  change: ImageChange,
  current: string | undefined,
  where: string,
  diagnostics: Diagnostic[],
  label?: string,
): string {
  const watched = splitImage(change.image).name;
  const written = current === undefined ? undefined : splitImage(current);
  const name = nameInFormOf(watched, written?.name);
  const digest = digestToWrite(change, written?.digest !== undefined, where, diagnostics, label);
  return joinImage(name, change.newTag, digest);
}

/**
 * The watched image's name in the key's form, or `null` when the key already names it (in any spelling).
 * `registry` is the value of a `registry` key beside the name key (charts that split `registry` from
 * `repository`): the name key then holds the repository path only, never the registry.
 */
export function imageNameValue(change: ImageChange, current: string | undefined, registry?: string): string | null {
  const watched = splitImage(change.image).name;
  if (registry === undefined) {
    return current !== undefined && sameImageName(splitImage(current).name, watched)
      ? null
      : nameInFormOf(watched, current);
  }
  if (current !== undefined && sameImageName(`${registry}/${splitImage(current).name}`, watched)) return null;
  const target = parseImageName(watched);
  if (typeof target === "string") return watched;
  const official = target.repository.startsWith("library/") && target.repository.split("/").length === 2;
  const keepsLibrary = current?.startsWith("library/") ?? false;
  return official && !keepsLibrary ? target.repository.slice("library/".length) : target.repository;
}

/** The watched image's registry for a split chart's `registry` key, or `null` when the key already names it. */
export function imageRegistryValue(change: ImageChange, current: string | undefined): string | null {
  const target = parseImageName(splitImage(change.image).name);
  if (typeof target === "string") return null;
  const now = current === undefined ? undefined : parseImageName(`${current}/x`);
  return now !== undefined && typeof now !== "string" && now.registry === target.registry ? null : target.registry;
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

/** `a.image.registry` for `a.image.repository`: the key a split chart keeps the registry in. */
export function registryBeside(namePath: string): string | undefined {
  const dot = namePath.lastIndexOf(".");
  const last = namePath.slice(dot + 1);
  if (last === "registry" || /[[\]]/.test(last)) return undefined;
  return dot === -1 ? "registry" : `${namePath.slice(0, dot)}.registry`;
}
