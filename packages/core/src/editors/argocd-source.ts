/**
 * Argo CD parameter override files, `.argocd-source-<app>.yaml` (argocd-image-updater's default git target):
 * `helm.parameters` (with `forcestring: true`), `kustomize.images` and `plugin.env`, merged into what the file
 * already holds. Entries are matched by name and edited in place; new ones are appended.
 */
import { isMap, isScalar, isSeq, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import type { Diagnostic } from "../config/diagnostic.js";
import { editDiagnostic } from "./diagnostic.js";
import { digestToWrite } from "./digest-policy.js";
import { type EditResult, type EditStep, imageLabel, runEdits, type StepResult } from "./edit-runner.js";
import { joinImage, nameInFormOf, sameImageName, splitImage } from "./image-match.js";
import { imageNameValue, imageRegistryValue, imageSpecValue, imageTagValue, registryBeside } from "./image-value.js";
import { parseKustomizeImageOverride } from "./kustomization.js";
import type { ImageChange, ImageValueNames } from "./types.js";
import { type ValueFor, valueStep } from "./value-path.js";
import {
  addItem,
  addPair,
  appendTopLevel,
  fieldScalar,
  fillEmpty,
  findPair,
  indentStyle,
  isEmptyValue,
  type NewValue,
  replaceScalar,
  type YamlFile,
} from "./yaml-doc.js";
import { columnOf, type Splice, scalarText } from "./yaml-text.js";

/** The Argo CD namespace argocd-image-updater assumes when none is configured. */
export const DEFAULT_ARGOCD_NAMESPACE = "argocd";

/**
 * `.argocd-source-<app>.yaml`, or `.argocd-source-<namespace>_<app>.yaml` when the application lives outside
 * the Argo CD namespace (argocd-image-updater's naming; an Argo CD namespace of `default` keeps the short form).
 */
export function argocdSourceFileName(
  application: { readonly name: string; readonly namespace?: string },
  argocdNamespace: string = DEFAULT_ARGOCD_NAMESPACE,
): string {
  const namespace = application.namespace ?? "";
  if (namespace === "" || namespace === argocdNamespace || argocdNamespace === "default") {
    return `.argocd-source-${application.name}.yaml`;
  }
  return `.argocd-source-${namespace}_${application.name}.yaml`;
}

/** Which part of the override file an application's images go to. */
export type ArgocdSourceKind = "helm" | "kustomize" | "plugin";

/** Where `<top>.<list>` stands: a list, an empty value or a missing key (at the `top` or `list` level). */
type Section =
  | { readonly kind: "missing"; readonly level: "top" | "list"; readonly map: YAMLMap | null }
  | { readonly kind: "empty"; readonly level: "top" | "list"; readonly node: Scalar; readonly keyColumn: number }
  | { readonly kind: "seq"; readonly seq: YAMLSeq }
  | { readonly kind: "invalid"; readonly message: string };

/** Finds `<top>.<list>` as a sequence, or where it must be created. */
function findSection(file: YamlFile, top: string, list: string): Section {
  if (file.docs.length > 1) return { kind: "invalid", message: "the override file holds one YAML document" };
  const root = file.docs[0]?.contents ?? null;
  if (root === null || isEmptyValue(root)) return { kind: "missing", level: "top", map: null };
  if (!isMap(root)) return { kind: "invalid", message: "the override file is a map at its top level" };
  const topPair = findPair(root, top);
  if (topPair === undefined) return { kind: "missing", level: "top", map: root };
  if (isEmptyValue(topPair.value)) {
    const keyColumn = columnOf(file.text, ((topPair.key as Scalar).range as [number, number, number])[0]);
    return { kind: "empty", level: "top", node: topPair.value, keyColumn };
  }
  if (!isMap(topPair.value)) return { kind: "invalid", message: `\`${top}\` is not a map` };
  const listPair = findPair(topPair.value, list);
  if (listPair === undefined) return { kind: "missing", level: "list", map: topPair.value };
  if (isEmptyValue(listPair.value)) {
    const keyColumn = columnOf(file.text, ((listPair.key as Scalar).range as [number, number, number])[0]);
    return { kind: "empty", level: "list", node: listPair.value, keyColumn };
  }
  if (!isSeq(listPair.value)) return { kind: "invalid", message: `\`${top}.${list}\` is not a list` };
  return { kind: "seq", seq: listPair.value };
}

/** Splices adding `item` to `<top>.<list>`, creating what is missing. */
function appendToSection(file: YamlFile, top: string, list: string, section: Section, item: NewValue): Splice[] {
  const style = indentStyle(file, false);
  switch (section.kind) {
    case "seq":
      return [addItem(file, section.seq, item, style)];
    case "empty": {
      const value: NewValue = section.level === "top" ? { [list]: [item] } : [item];
      return fillEmpty(file, section.node, value, section.keyColumn, style);
    }
    case "missing": {
      if (section.map === null) {
        return [appendTopLevel(file, top, { [list]: [item] }, style)];
      }
      if (section.level === "top") return [addPair(file, section.map, top, { [list]: [item] }, style)];
      return [addPair(file, section.map, list, [item], style)];
    }
    default:
      return [];
  }
}

/** The scalar of `field` in a list entry, through an alias when it is one. */
function entryField(file: YamlFile, item: unknown, field: string): Scalar | undefined {
  return isMap(item) ? fieldScalar(file, item, field) : undefined;
}

/** The `{name, value}` entry `entryName` of a section, when there is one. */
function namedEntry(file: YamlFile, section: Section, entryName: string): unknown {
  if (section.kind !== "seq") return undefined;
  return section.seq.items.find((item) => {
    const name = entryField(file, item, "name");
    return name !== undefined && scalarText(name) === entryName;
  });
}

/** The `value` of the entry `entryName` in `<top>.<list>`; `undefined` when missing or empty. */
function namedEntryValue(file: YamlFile, top: string, list: string, entryName: string): string | undefined {
  const existing = namedEntry(file, findSection(file, top, list), entryName);
  const valueNode = existing === undefined ? undefined : entryField(file, existing, "value");
  return valueNode === undefined || isEmptyValue(valueNode) ? undefined : scalarText(valueNode);
}

/** A step setting the `value` of the `{name, value}` entry `entryName` in `<top>.<list>`. */
function namedEntryStep(
  key: string,
  top: "helm" | "plugin",
  list: "parameters" | "env",
  entryName: string,
  label: string,
  group: string,
  valueFor: (diagnostics: Diagnostic[], file: YamlFile) => ValueFor,
): EditStep {
  return valueStep(label, group, valueFor, (file, decide) => {
    const where = `${key}:${top}.${list}[name=${entryName}]`;
    const section = findSection(file, top, list);
    if (section.kind === "invalid")
      return { splices: [], diagnostics: [editDiagnostic("error", where, section.message, label)] };
    const existing = namedEntry(file, section, entryName);
    const valueNode = existing === undefined ? undefined : entryField(file, existing, "value");
    const current = valueNode === undefined || isEmptyValue(valueNode) ? undefined : scalarText(valueNode);
    const wanted = decide(current);
    if (wanted === null || wanted === current) return { splices: [] };
    const style = indentStyle(file, false);
    if (existing !== undefined && isMap(existing)) {
      const splices: Splice[] = [];
      if (valueNode === undefined) splices.push(addPair(file, existing, "value", wanted, style));
      else if (isEmptyValue(valueNode)) splices.push(...fillEmpty(file, valueNode, wanted, 0, style));
      else {
        const splice = replaceScalar(valueNode, wanted);
        if (splice !== null) splices.push(splice);
      }
      // Without forcestring Helm reads a tag such as 1.20 as the number 1.2.
      if (top === "helm" && findPair(existing, "forcestring") === undefined) {
        splices.push(addPair(file, existing, "forcestring", true, style));
      }
      return { splices };
    }
    const item: NewValue =
      top === "helm" ? { name: entryName, value: wanted, forcestring: true } : { name: entryName, value: wanted };
    return { splices: appendToSection(file, top, list, section, item) };
  });
}

function valueSteps(
  key: string,
  top: "helm" | "plugin",
  change: ImageChange,
  names: ImageValueNames,
  defaults: ImageValueNames,
): EditStep[] {
  const list = top === "helm" ? "parameters" : "env";
  const label = imageLabel(change);
  const group = `${label}@${top}`;
  if (names.spec) {
    return [
      namedEntryStep(
        key,
        top,
        list,
        names.spec,
        label,
        group,
        (diagnostics) => (current) => imageSpecValue(change, current, `${key}:${top}.${list}`, diagnostics, label),
      ),
    ];
  }
  const steps: EditStep[] = [];
  const nameKey = names.name || defaults.name;
  const tagKey = names.tag || defaults.tag;
  if (nameKey) {
    // A `…registry` parameter beside the name one: the chart splits registry from repository.
    const registryKey = registryBeside(nameKey);
    const registryOf = (file: YamlFile) =>
      registryKey === undefined ? undefined : namedEntryValue(file, top, list, registryKey);
    steps.push(
      namedEntryStep(
        key,
        top,
        list,
        nameKey,
        label,
        group,
        (_diagnostics, file) => (current) => imageNameValue(change, current, registryOf(file)),
      ),
    );
    if (registryKey !== undefined) {
      steps.push(
        namedEntryStep(
          key,
          top,
          list,
          registryKey,
          label,
          group,
          (_diagnostics, file) => (current) =>
            registryOf(file) === undefined ? null : imageRegistryValue(change, current),
        ),
      );
    }
  }
  if (tagKey) {
    steps.push(
      namedEntryStep(
        key,
        top,
        list,
        tagKey,
        label,
        group,
        (diagnostics) => (current) => imageTagValue(change, current, `${key}:${top}.${list}`, diagnostics, label),
      ),
    );
  }
  return steps;
}

/** A step merging one `kustomize.images` entry (`name[=newName]:tag[@digest]`) by image name. */
function kustomizeEntryStep(
  key: string,
  label: string,
  entryFor: (existing: string | undefined, diagnostics: Diagnostic[]) => { match: string; entry: string } | null,
): EditStep {
  return {
    image: label,
    run(file: YamlFile): StepResult {
      const diagnostics: Diagnostic[] = [];
      const section = findSection(file, "kustomize", "images");
      if (section.kind === "invalid") {
        return {
          splices: [],
          diagnostics: [editDiagnostic("error", `${key}:kustomize.images`, section.message, label)],
        };
      }
      const probe = entryFor(undefined, []);
      if (probe === null) return { splices: [] };
      const found =
        section.kind === "seq"
          ? section.seq.items.find(
              (item) =>
                isScalar(item) && sameImageName(parseKustomizeImageOverride(scalarText(item)).name, probe.match),
            )
          : undefined;
      if (found !== undefined && isScalar(found)) {
        const wanted = entryFor(scalarText(found), diagnostics);
        if (wanted === null) return { splices: [], diagnostics };
        const splice = replaceScalar(found, wanted.entry);
        return { splices: splice === null ? [] : [splice], diagnostics };
      }
      const wanted = entryFor(undefined, diagnostics);
      if (wanted === null) return { splices: [], diagnostics };
      return { splices: appendToSection(file, "kustomize", "images", section, wanted.entry), diagnostics };
    },
  };
}

/**
 * Merges Argo CD `kustomize.images` entries (`nginx:1.2`, `orig=new:tag`) into an override file: an entry
 * naming the same image (any spelling, `docker.io` implicit or not) is replaced, others are appended.
 */
export function mergeArgocdSourceKustomizeImages(
  text: string,
  images: readonly string[],
  key = ".argocd-source.yaml",
): EditResult {
  return runEdits(
    text,
    key,
    images.map((image) => {
      const parsed = parseKustomizeImageOverride(image);
      return kustomizeEntryStep(key, parsed.name, (existing) => {
        const current = existing === undefined ? undefined : parseKustomizeImageOverride(existing);
        // A new entry without a tag never drops the tag already written: not when it names none, nor when
        // it names the digest that tag is already pinned to.
        if (current !== undefined && parsed.newTag === undefined) {
          if (parsed.digest === undefined || (current.newTag !== undefined && current.digest === parsed.digest)) {
            return null;
          }
        }
        return { match: parsed.name, entry: image };
      });
    }),
  );
}

/** Options of {@link editArgocdSource}. */
export interface ArgocdSourceOptions {
  /** Where the images go: `helm.parameters`, `kustomize.images` or `plugin.env`. */
  readonly kind: ArgocdSourceKind;
  /** Names the file in diagnostics. @default ".argocd-source.yaml" */
  readonly key?: string;
}

/**
 * Writes image changes into an `.argocd-source-<app>.yaml` override file (or creates its content from empty
 * text). Helm: `image.name`/`image.tag` parameters (or the change's `helm` names, or one `spec` parameter)
 * with `forcestring: true`. Kustomize: `[<kustomize.image-name>=]<image>:<tag>[@digest]`. Plugin: the change's
 * `plugin` env names.
 */
export function editArgocdSource(
  text: string,
  changes: readonly ImageChange[],
  options: ArgocdSourceOptions,
): EditResult {
  const key = options.key ?? ".argocd-source.yaml";
  const steps = changes.flatMap((change): EditStep[] => {
    if (options.kind === "helm") {
      return valueSteps(key, "helm", change, change.helm ?? {}, { name: "image.name", tag: "image.tag" });
    }
    if (options.kind === "plugin") return valueSteps(key, "plugin", change, change.plugin ?? {}, {});
    const label = imageLabel(change);
    const watched = splitImage(change.image).name;
    const renamed = change.kustomizeImageName !== undefined && !sameImageName(change.kustomizeImageName, watched);
    const match = change.kustomizeImageName ?? watched;
    return [
      kustomizeEntryStep(key, label, (existing, diagnostics) => {
        const parsed = existing === undefined ? undefined : parseKustomizeImageOverride(existing);
        const pinned = parsed?.digest !== undefined;
        const digest = digestToWrite(change, pinned, `${key}:kustomize.images`, diagnostics, label);
        const name =
          parsed !== undefined && !renamed ? (parsed.newName ?? parsed.name) : nameInFormOf(watched, parsed?.newName);
        const prefix = renamed ? `${parsed?.name ?? match}=` : parsed?.newName !== undefined ? `${parsed.name}=` : "";
        return { match, entry: `${prefix}${joinImage(name, change.newTag, digest)}` };
      }),
    ];
  });
  return runEdits(text, key, steps);
}
