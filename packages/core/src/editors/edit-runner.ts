/** Runs a sequence of edit steps on a YAML text, re-parsing between steps, and refuses to emit broken YAML. */
import type { Diagnostic } from "../config/diagnostic.js";
import { editDiagnostic } from "./diagnostic.js";
import { parseYaml, type YamlFile } from "./yaml-doc.js";
import { applySplices, type Splice } from "./yaml-text.js";

/** What every editor returns. A no-op returns the input text itself and `changed: false`. */
export interface EditResult {
  readonly text: string;
  readonly changed: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Alias (or image name) of every change that altered the text, in order, without repeats. */
  readonly changedImages: readonly string[];
}

/** One step's outcome. */
export interface StepResult {
  readonly splices: readonly Splice[];
  readonly diagnostics?: readonly Diagnostic[];
}

/** One edit step: looks at the freshly parsed file and says what to splice. */
export interface EditStep {
  /** Alias or image name reported in `changedImages` when this step changes the text. */
  readonly image?: string;
  /**
   * Steps sharing a group are all-or-nothing: an error in one undoes the group's earlier steps and skips the
   * rest (writing an image's name without its tag helps nobody).
   */
  readonly group?: string;
  run(file: YamlFile): StepResult;
}

/** The label an image change is reported under. */
export function imageLabel(change: { readonly alias?: string; readonly image: string }): string {
  return change.alias ?? change.image;
}

/**
 * Applies `steps` in order to `text`. `key` names the file in diagnostics. If the input or any intermediate
 * result is not valid YAML, the original text is returned unchanged with an error diagnostic.
 */
export function runEdits(text: string, key: string, steps: readonly EditStep[]): EditResult {
  const initial = parseYaml(text);
  if (initial.file === undefined) {
    return unchanged(text, [
      editDiagnostic("error", key, `not valid YAML (${initial.error}); fix the file, nothing was written`),
    ]);
  }
  let file: YamlFile = initial.file;
  const diagnostics: Diagnostic[] = [];
  const changedImages: string[] = [];
  let groupName: string | undefined;
  let groupStart: { file: YamlFile; changed: number } = { file, changed: 0 };
  let failedGroup: string | undefined;
  for (const step of steps) {
    if (step.group !== groupName || step.group === undefined) {
      groupName = step.group;
      groupStart = { file, changed: changedImages.length };
    }
    if (step.group !== undefined && step.group === failedGroup) continue;
    const result = step.run(file);
    diagnostics.push(...(result.diagnostics ?? []));
    if (result.diagnostics?.some((d) => d.severity === "error") && step.group !== undefined) {
      failedGroup = step.group;
      file = groupStart.file;
      changedImages.length = groupStart.changed;
      continue;
    }
    if (result.splices.length === 0) continue;
    const next = applySplices(file.text, result.splices);
    if (next === file.text) continue;
    const reparsed = parseYaml(next);
    if (reparsed.file === undefined) {
      diagnostics.push(
        editDiagnostic(
          "error",
          key,
          `the edit would break the YAML (${reparsed.error}); nothing was written`,
          step.image,
        ),
      );
      return unchanged(text, diagnostics);
    }
    file = reparsed.file;
    if (step.image !== undefined && !changedImages.includes(step.image)) changedImages.push(step.image);
  }
  if (file.text === text) return unchanged(text, diagnostics);
  return { text: file.text, changed: true, diagnostics, changedImages };
}

function unchanged(text: string, diagnostics: readonly Diagnostic[]): EditResult {
  return { text, changed: false, diagnostics, changedImages: [] };
}
