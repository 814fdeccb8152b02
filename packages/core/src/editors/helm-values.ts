/**
 * Helm values files (`helmvalues[:file]` target): the image's name and tag keys (or one `repo:tag` spec key)
 * are set at their key paths. Names keep the form the file uses: a name already naming the same image in
 * another spelling (`bitnami/nginx` for `docker.io/bitnami/nginx`) is kept as written, and a chart that splits
 * `registry` from `repository` (a `registry` key beside the name key) keeps the split.
 */

import type { Diagnostic } from "../config/diagnostic.js";
import { type EditResult, type EditStep, imageLabel, runEdits } from "./edit-runner.js";
import { imageNameValue, imageRegistryValue, imageSpecValue, imageTagValue, registryBeside } from "./image-value.js";
import type { ImageChange } from "./types.js";
import { readValueAtPath, setValueAtPath, type ValueFor, valueStep } from "./value-path.js";
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
  return valueStep(label, group, valueFor, (file, value) => setValueAtPath(file, path, value, key, label));
}

/** The steps writing one change into values at `names` (Helm keys or plugin-style names). */
export function imageValueSteps(
  key: string,
  change: ImageChange,
  names: { readonly name?: string; readonly tag?: string; readonly spec?: string },
): EditStep[] {
  const label = imageLabel(change);
  const group = `${label}@${names.spec ?? ""}|${names.name ?? ""}|${names.tag ?? ""}`;
  if (names.spec !== undefined && names.spec !== "") {
    const path = names.spec;
    return [
      step(
        key,
        path,
        label,
        group,
        (diagnostics) => (current) => imageSpecValue(change, current, `${key}:${path}`, diagnostics, label),
      ),
    ];
  }
  const namePath = names.name || DEFAULT_HELM_IMAGE_NAME_KEY;
  const tagPath = names.tag || DEFAULT_HELM_IMAGE_TAG_KEY;
  const registryPath = registryBeside(namePath);
  const registryOf = (file: YamlFile) =>
    registryPath === undefined ? undefined : readValueAtPath(file, registryPath, key);
  return [
    {
      image: label,
      group,
      run: (file: YamlFile) => {
        const registry = registryOf(file);
        return setValueAtPath(file, namePath, (current) => imageNameValue(change, current, registry), key, label);
      },
    },
    {
      image: label,
      group,
      run: (file: YamlFile) =>
        registryPath === undefined || registryOf(file) === undefined
          ? { splices: [] }
          : setValueAtPath(file, registryPath, (current) => imageRegistryValue(change, current), key, label),
    },
    step(
      key,
      tagPath,
      label,
      group,
      (diagnostics) => (current) => imageTagValue(change, current, `${key}:${tagPath}`, diagnostics, label),
    ),
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
