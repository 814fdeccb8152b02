/**
 * `kustomization.yaml` `images:` editing with the semantics of `kustomize edit set image`: the entry keyed by
 * `name` is replaced by the given `newName` / `newTag` / `digest` (a field the override lacks is removed, so
 * `foo:123` over `{name: foo, newName: bar}` gives `{name: foo, newTag: "123"}`), edited in place; a missing
 * entry is appended; a missing `images:` is created. Order, indentation, comments and sequence style are the
 * file's own. Names written as `newName` keep the form the entry already uses.
 */
import { isAlias, isMap, isScalar, isSeq, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import type { Diagnostic } from "../config/diagnostic.js";
import { editDiagnostic } from "./diagnostic.js";
import { type EditResult, type EditStep, imageLabel, runEdits, type StepResult } from "./edit-runner.js";
import { nameInFormOf, sameImageName, splitImage } from "./image-match.js";
import type { ImageChange } from "./types.js";
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
  removePair,
  replaceScalar,
  type YamlFile,
} from "./yaml-doc.js";
import { type Splice, scalarText } from "./yaml-text.js";

/** File names kustomize recognises, in its lookup order. */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** One `images:` entry to set, as `kustomize edit set image` takes it. */
export interface KustomizeImageOverride {
  /** The image name the entry matches in resources. */
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

/**
 * Parses `kustomize edit set image` arguments and Argo CD `kustomize.images` entries: `foo`, `foo:tag`,
 * `foo@digest`, `orig=new:tag@digest` (the part before the first `=` names the entry).
 */
export function parseKustomizeImageOverride(text: string): KustomizeImageOverride {
  const trimmed = text.trim();
  const equals = trimmed.indexOf("=");
  const alias = equals < 0 ? "" : trimmed.slice(0, equals);
  const image = splitImage(equals < 0 ? trimmed : trimmed.slice(equals + 1));
  return {
    name: alias === "" ? image.name : alias,
    ...(alias === "" || image.name === "" ? {} : { newName: image.name }),
    ...(image.tag ? { newTag: image.tag } : {}),
    ...(image.digest ? { digest: image.digest } : {}),
  };
}

/** What {@link editKustomization} does for one entry. */
interface EntryEdit {
  readonly override: KustomizeImageOverride;
  /** Match an existing entry by normalised name as well as by exact `name`. */
  readonly matchNormalised: boolean;
  readonly image?: string;
}

function imagesSeq(file: YamlFile): { root?: YAMLMap; pairValue?: unknown; seq?: YAMLSeq; problem?: string } {
  if (file.docs.length === 0) return {};
  if (file.docs.length !== 1) return { problem: "a kustomization holds exactly one YAML document" };
  const root = (file.docs[0] as YamlFile["docs"][number]).contents;
  if (root === null || root === undefined) return {};
  if (!isMap(root)) return { problem: "a kustomization is a map at its top level" };
  const pair = findPair(root, "images");
  if (pair === undefined) return { root };
  if (isSeq(pair.value)) return { root, seq: pair.value };
  if (isEmptyValue(pair.value)) return { root, pairValue: pair.value };
  return { problem: "`images` is not a list; write `images:` followed by `- name: …` entries" };
}

function entryName(item: YAMLMap, field: string): string | undefined {
  const pair = findPair(item, field);
  return isScalar(pair?.value) ? scalarText(pair.value as Scalar) : undefined;
}

function findEntry(seq: YAMLSeq, edit: EntryEdit): YAMLMap | undefined {
  const entries = seq.items.filter((item): item is YAMLMap => isMap(item));
  const exact = entries.find((item) => entryName(item, "name") === edit.override.name);
  if (exact !== undefined || !edit.matchNormalised) return exact;
  return entries.find(
    (item) =>
      sameImageName(entryName(item, "name") ?? "", edit.override.name) ||
      sameImageName(entryName(item, "newName") ?? "", edit.override.name),
  );
}

function newEntry(override: KustomizeImageOverride): Record<string, NewValue> {
  return {
    name: override.name,
    ...(override.newName === undefined ? {} : { newName: override.newName }),
    ...(override.newTag === undefined ? {} : { newTag: override.newTag }),
    ...(override.digest === undefined ? {} : { digest: override.digest }),
  };
}

/** Adds or replaces `field` of an `images:` entry; returns why it could not. */
function setField(file: YamlFile, item: YAMLMap, field: string, value: string, splices: Splice[]): string | undefined {
  const pair = findPair(item, field);
  const style = indentStyle(file);
  if (pair === undefined) {
    splices.push(addPair(file, item, field, value, style));
    return undefined;
  }
  const scalar = fieldScalar(file, item, field);
  if (scalar === undefined) return `\`${field}\` does not hold a value; write \`${field}: <value>\``;
  if (isEmptyValue(scalar)) {
    splices.push(...fillEmpty(file, scalar, value, 0, style));
    return undefined;
  }
  const splice = replaceScalar(scalar, value);
  if (splice !== null) splices.push(splice);
  return undefined;
}

function entryStep(key: string, edit: EntryEdit): EditStep {
  return {
    ...(edit.image === undefined ? {} : { image: edit.image }),
    run(file: YamlFile): StepResult {
      const found = imagesSeq(file);
      if (found.problem !== undefined) {
        return { splices: [], diagnostics: [editDiagnostic("error", key, found.problem, edit.image)] };
      }
      const style = indentStyle(file, false);
      const entry = newEntry(edit.override);
      if (found.root === undefined) {
        return { splices: [appendTopLevel(file, "images", [entry], style)] };
      }
      if (found.seq === undefined) {
        const images: NewValue = [entry];
        if (found.pairValue !== undefined) {
          return { splices: fillEmpty(file, found.pairValue as Scalar, images, 0, style) };
        }
        return { splices: [addPair(file, found.root, "images", images, style)] };
      }
      const item = findEntry(found.seq, edit);
      if (item === undefined) return { splices: [addItem(file, found.seq, entry, style)] };
      const splices: Splice[] = [];
      const diagnostics: Diagnostic[] = [];
      const { override } = edit;
      for (const [field, value] of [
        ["newName", override.newName],
        ["newTag", override.newTag],
        ["digest", override.digest],
      ] as const) {
        if (value === undefined) continue;
        const where = `${key}:images[name=${override.name}].${field}`;
        const before = splices.length;
        const problem = setField(file, item, field, value, splices);
        if (problem !== undefined)
          return { splices: [], diagnostics: [editDiagnostic("error", where, problem, edit.image)] };
        if (splices.length > before && isAlias(findPair(item, field)?.value)) {
          const message = `\`${field}\` is an alias; the anchored value is edited for every user`;
          diagnostics.push(editDiagnostic("warning", where, message, edit.image));
        }
      }
      // Replaced, as kustomize replaces the entry: what the override does not set goes.
      for (const field of ["newName", "newTag", "digest"] as const) {
        const pair = findPair(item, field);
        if (override[field] !== undefined || pair === undefined) continue;
        splices.push(removePair(file, item, pair));
        if (field === "digest") {
          diagnostics.push(
            editDiagnostic(
              "info",
              `${key}:images[name=${override.name}].digest`,
              "the pinned digest was removed: it would override the new tag",
              edit.image,
            ),
          );
        }
      }
      return { splices, diagnostics };
    },
  };
}

/**
 * Sets `images:` entries like `kustomize edit set image` does, one override after the other. `key` names the
 * file in diagnostics. Unchanged input gives the same text and `changed: false`.
 */
export function setKustomizeImages(
  text: string,
  overrides: readonly (KustomizeImageOverride | string)[],
  key = "kustomization.yaml",
): EditResult {
  const steps = overrides.map((override) =>
    entryStep(key, {
      override: typeof override === "string" ? parseKustomizeImageOverride(override) : override,
      matchNormalised: false,
    }),
  );
  return runEdits(text, key, steps);
}

/**
 * Writes image changes into a kustomization's `images:`. The entry is the one named by
 * `kustomizeImageName` (then `newName` is set to the watched image), else the one whose `name` or `newName`
 * is the watched image (any spelling). The new tag is written as `newTag`; `digest` is written when the
 * change pins digests or the entry already pins one.
 */
export function editKustomization(
  text: string,
  changes: readonly ImageChange[],
  key = "kustomization.yaml",
): EditResult {
  const steps = changes.map((change): EditStep => {
    const label = imageLabel(change);
    return {
      image: label,
      run(file: YamlFile): StepResult {
        const found = imagesSeq(file);
        const watched = splitImage(change.image).name;
        const renamed = change.kustomizeImageName !== undefined && !sameImageName(change.kustomizeImageName, watched);
        const name = change.kustomizeImageName ?? watched;
        const probe: EntryEdit = { override: { name }, matchNormalised: true };
        const existing = found.seq === undefined ? undefined : findEntry(found.seq, probe);
        const hasDigest = existing !== undefined && findPair(existing, "digest") !== undefined;
        const hasTag = existing !== undefined && findPair(existing, "newTag") !== undefined;
        const digest =
          change.newDigest !== undefined && (change.pinDigest === true || hasDigest) ? change.newDigest : undefined;
        const diagnostics: Diagnostic[] = [];
        if (hasDigest && digest === undefined) {
          diagnostics.push(
            editDiagnostic(
              "warning",
              `${key}:images`,
              `no digest is known for ${change.newTag}; the entry is pinned by tag instead`,
              label,
            ),
          );
        }
        const existingName = existing === undefined ? name : (entryName(existing, "name") ?? name);
        const existingNewName = existing === undefined ? undefined : entryName(existing, "newName");
        // Found by its `newName` (the watched image under another entry name): that name stays.
        const keptNewName =
          !renamed && existingNewName !== undefined && sameImageName(existingNewName, watched)
            ? existingNewName
            : undefined;
        const newName = renamed ? nameInFormOf(watched, existingNewName) : keptNewName;
        const override: KustomizeImageOverride = {
          name: existingName,
          ...(newName === undefined ? {} : { newName }),
          // A digest-only entry stays digest-only.
          ...(digest !== undefined && hasDigest && !hasTag ? {} : { newTag: change.newTag }),
          ...(digest === undefined ? {} : { digest }),
        };
        const step = entryStep(key, {
          override,
          matchNormalised: true,
          image: label,
        });
        const result = step.run(file);
        return { splices: result.splices, diagnostics: [...diagnostics, ...(result.diagnostics ?? [])] };
      },
    };
  });
  return runEdits(text, key, steps);
}
