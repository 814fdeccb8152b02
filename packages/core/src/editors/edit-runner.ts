/** Runs a sequence of edit steps on a YAML text, re-parsing between steps, and refuses to emit broken YAML. */
import type { Diagnostic } from "../config/diagnostic.js";
import { editDiagnostic } from "./diagnostic.js";
import { parseYaml, type YamlFile, type YamlParse } from "./yaml-doc.js";
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
  /**
   * The step only replaces existing scalars, so it may run on the same parse as earlier such steps: their
   * splices are applied together and the file is parsed once more at the end, not after every step.
   */
  readonly replacesOnly?: boolean;
  run(file: YamlFile): StepResult;
}

function overlaps(a: readonly Splice[], b: readonly Splice[]): boolean {
  return a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));
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
  if (initial.overLimit) return unchanged(text, [overLimitDiagnostic(key, initial)]);
  if (initial.file === undefined) {
    return unchanged(text, [
      editDiagnostic("error", key, `not valid YAML (${initial.error}); fix the file, nothing was written`),
    ]);
  }
  let file: YamlFile = initial.file;
  const diagnostics: Diagnostic[] = [];
  const changedImages: string[] = [];
  // Splices of `replacesOnly` steps waiting to be applied to `file`.
  let pending: { splices: Splice[]; labels: string[] } = { splices: [], labels: [] };
  const flush = (): string | undefined => {
    if (pending.splices.length === 0) return undefined;
    const next = applySplices(file.text, pending.splices);
    const labels = pending.labels;
    pending = { splices: [], labels: [] };
    if (next === file.text) return undefined;
    const reparsed = parseYaml(next);
    if (reparsed.file === undefined) return reparsed.error ?? "unknown error";
    file = reparsed.file;
    for (const label of labels) if (!changedImages.includes(label)) changedImages.push(label);
    return undefined;
  };
  const broken = (error: string, image?: string): EditResult => {
    diagnostics.push(
      editDiagnostic("error", key, `the edit would break the YAML (${error}); nothing was written`, image),
    );
    return unchanged(text, diagnostics);
  };
  let groupName: string | undefined;
  let groupStart: { file: YamlFile; changed: number } = { file, changed: 0 };
  let failedGroup: string | undefined;
  for (const step of steps) {
    if (!step.replacesOnly) {
      const error = flush();
      if (error !== undefined) return broken(error);
    }
    if (step.group !== groupName || step.group === undefined) {
      groupName = step.group;
      groupStart = { file, changed: changedImages.length };
    }
    if (step.group !== undefined && step.group === failedGroup) continue;
    let result = step.run(file);
    if (step.replacesOnly && overlaps(result.splices, pending.splices)) {
      // Two steps touch one scalar: apply the earlier ones and look again.
      const error = flush();
      if (error !== undefined) return broken(error);
      result = step.run(file);
    }
    diagnostics.push(...(result.diagnostics ?? []));
    const failed = result.diagnostics?.some((d) => d.severity === "error") ?? false;
    if (failed && step.group !== undefined && !step.replacesOnly) {
      failedGroup = step.group;
      file = groupStart.file;
      changedImages.length = groupStart.changed;
      continue;
    }
    if (failed && step.replacesOnly) continue;
    if (result.splices.length === 0) continue;
    if (step.replacesOnly) {
      pending.splices.push(...result.splices);
      if (step.image !== undefined) pending.labels.push(step.image);
      continue;
    }
    const next = applySplices(file.text, result.splices);
    if (next === file.text) continue;
    const reparsed = parseYaml(next);
    if (reparsed.file === undefined) return broken(reparsed.error ?? "unknown error", step.image);
    file = reparsed.file;
    if (step.image !== undefined && !changedImages.includes(step.image)) changedImages.push(step.image);
  }
  const error = flush();
  if (error !== undefined) return broken(error);
  if (file.text === text) return unchanged(text, diagnostics);
  return { text: file.text, changed: true, diagnostics, changedImages };
}

/** The error for a file over a parse limit (`parse.overLimit`): nothing is written to it. */
export function overLimitDiagnostic(key: string, parse: YamlParse): Diagnostic {
  return editDiagnostic("error", key, `${parse.error}; split the file, nothing was written`);
}

function unchanged(text: string, diagnostics: readonly Diagnostic[]): EditResult {
  return { text, changed: false, diagnostics, changedImages: [] };
}
