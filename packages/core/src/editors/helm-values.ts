/**
 * Helm values files (`helmvalues[:file]` target): the image's name and tag keys (or one `repo:tag` spec key)
 * are set at their key paths. A name already naming the same image in another spelling (`bitnami/nginx` for
 * `docker.io/bitnami/nginx`) is kept as written.
 */

import type { Diagnostic } from "../config/diagnostic.js";
import { digestToWrite } from "./digest-policy.js";
import { type EditResult, type EditStep, imageLabel, runEdits } from "./edit-runner.js";
import { joinImage, sameImageName, splitImage } from "./image-match.js";
import type { ImageChange } from "./types.js";
import { setValueAtPath, type ValueFor } from "./value-path.js";
import type { YamlFile } from "./yaml-doc.js";

/** Helm value key of the image name when `helm.image-name` is not set (argocd-image-updater's default). */
export const DEFAULT_HELM_IMAGE_NAME_KEY = "image.name";
/** Helm value key of the tag when `helm.image-tag` is not set (argocd-image-updater's default). */
export const DEFAULT_HELM_IMAGE_TAG_KEY = "image.tag";

function step(
  key: string,
  path: string,
  label: string,
  group: string,
  valueFor: (diagnostics: Diagnostic[]) => ValueFor,
): EditStep {
  return {
    image: label,
    group,
    run(file: YamlFile) {
      const diagnostics: Diagnostic[] = [];
      const result = setValueAtPath(file, path, valueFor(diagnostics), key, label);
      return { splices: result.splices, diagnostics: [...diagnostics, ...(result.diagnostics ?? [])] };
    },
  };
}

/** The steps writing one change into values at `names` (Helm keys or plugin-style names). */
export function imageValueSteps(
  key: string,
  change: ImageChange,
  names: { readonly name?: string; readonly tag?: string; readonly spec?: string },
): EditStep[] {
  const label = imageLabel(change);
  const group = `${label}@${names.spec ?? ""}|${names.name ?? ""}|${names.tag ?? ""}`;
  const watched = splitImage(change.image).name;
  if (names.spec !== undefined && names.spec !== "") {
    const path = names.spec;
    return [
      step(key, path, label, group, (diagnostics) => (current) => {
        const written = current === undefined ? undefined : splitImage(current);
        const name = written !== undefined && sameImageName(written.name, watched) ? written.name : watched;
        const digest = digestToWrite(change, written?.digest !== undefined, `${key}:${path}`, diagnostics, label);
        return joinImage(name, change.newTag, digest);
      }),
    ];
  }
  const namePath = names.name || DEFAULT_HELM_IMAGE_NAME_KEY;
  const tagPath = names.tag || DEFAULT_HELM_IMAGE_TAG_KEY;
  return [
    step(
      key,
      namePath,
      label,
      group,
      () => (current) => (current !== undefined && sameImageName(splitImage(current).name, watched) ? null : watched),
    ),
    step(key, tagPath, label, group, (diagnostics) => (current) => {
      const pinned = current?.includes("@") ?? false;
      const digest = digestToWrite(change, pinned, `${key}:${tagPath}`, diagnostics, label);
      return digest === undefined ? change.newTag : `${change.newTag}@${digest}`;
    }),
  ];
}

/**
 * Writes image changes into a Helm values file: `helm.image-spec` as `repo:tag`, else `helm.image-name` and
 * `helm.image-tag` (defaults `image.name`, `image.tag`). Key paths are dotted with `key[idx]` for lists and
 * literal dotted keys preferred; missing maps are created. `key` names the file in diagnostics.
 */
export function editHelmValues(text: string, changes: readonly ImageChange[], key = "values.yaml"): EditResult {
  return runEdits(
    text,
    key,
    changes.flatMap((change) => imageValueSteps(key, change, change.helm ?? {})),
  );
}
