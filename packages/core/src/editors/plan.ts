/**
 * The single write-back entry point: given a repository view, one application and its image changes, the
 * file changes to commit. Changes are `edit`s (pure functions of the file's current text), so a commit that
 * must be rebased re-applies them on top of someone else's push, and several applications' edits to one file
 * compose.
 */
import type { Diagnostic } from "../config/diagnostic.js";
import type { WriteBackTarget } from "../config/types.js";
import { parseWriteBackTarget } from "../config/write-back.js";
import { isImageUpdaterError } from "../errors.js";
import type { FileChange, RepositoryFiles } from "../git/types.js";
import type { Application, ApplicationSourceSpec, ApplicationSourceType } from "../source/types.js";
import { argocdSourceFileName, DEFAULT_ARGOCD_NAMESPACE, editArgocdSource } from "./argocd-source.js";
import { editDiagnostic } from "./diagnostic.js";
import { type EditResult, imageLabel, overLimitDiagnostic } from "./edit-runner.js";
import { editFluxSetters, mayHoldSetters, type SetterMarker, setterMarkers } from "./flux-setters.js";
import { editHelmValues } from "./helm-values.js";
import { sameImageName, splitImage } from "./image-match.js";
import { editKustomization, KUSTOMIZATION_FILE_NAMES } from "./kustomization.js";
import { editManifests, mayHoldWorkloads } from "./manifests.js";
import { joinRepoPath, resolveRepoPath } from "./path-safety.js";
import { detectSourceType, findKustomization, primarySource, targetPath, yamlFilesUnder } from "./target-files.js";
import type { ImageChange } from "./types.js";
import { parseYamlSliced } from "./yaml-doc.js";
import { scalarText } from "./yaml-text.js";

/** Where to write: core's parsed `write-back-target` (one parser for annotations, the CRD and this API). */
export type PlanTarget = WriteBackTarget;

/** Input of {@link planWriteBack}. */
export interface WriteBackPlanRequest {
  /** The repository at the branch being written. */
  readonly files: RepositoryFiles;
  readonly application: Pick<Application, "name" | "namespace"> & Partial<Pick<Application, "spec" | "status">>;
  /** Directory of the application's source in the repository. @default the source's `path`, else the root */
  readonly sourcePath?: string;
  /**
   * Where to write: a parsed target or the `write-back-target` text (`kustomization[:path]`,
   * `helmvalues[:path]`, `manifests[:path]`, `flux[:path]`, or a `.yaml` override file path), parsed by
   * {@link parseWriteBackTarget}; text it refuses gives its error diagnostic and no change.
   * @default the application type's default (DESIGN §8)
   */
  readonly target?: PlanTarget | string;
  /** The source written in (multi-source Applications). @default core's write-back source rule */
  readonly source?: ApplicationSourceSpec;
  readonly changes: readonly ImageChange[];
  /** How Argo CD renders the source; detected from the application and the files when absent. */
  readonly sourceType?: ApplicationSourceType;
  /** Argo CD's namespace, for `.argocd-source-<namespace>_<app>.yaml` naming. @default "argocd" */
  readonly argocdNamespace?: string;
}

/** Output of {@link planWriteBack}. */
export interface WriteBackPlan {
  /** Edits of files that change now; empty when everything is already in place. */
  readonly changes: readonly FileChange[];
  readonly diagnostics: readonly Diagnostic[];
  /** Labels (alias, else image) of the changes that alter at least one file. */
  readonly changedImages: readonly string[];
  /** The files considered (existing or to create), repository-relative. */
  readonly paths: readonly string[];
}

/** The request's target, parsed by config's one parser when given as text. */
export function requestTarget(target: PlanTarget | string | undefined): {
  readonly target?: PlanTarget;
  readonly diagnostics: readonly Diagnostic[];
} {
  if (typeof target !== "string") return { target: target ?? { kind: "default" }, diagnostics: [] };
  const parsed = parseWriteBackTarget(target, { key: "write-back-target" });
  return parsed.value === undefined ? { diagnostics: parsed.diagnostics } : { target: parsed.value, diagnostics: [] };
}

type Editor = (text: string, key: string) => EditResult;

interface Collected {
  readonly changes: FileChange[];
  readonly diagnostics: Diagnostic[];
  readonly changedImages: string[];
  readonly paths: string[];
}

/** The repository path `path` resolves to, or `undefined` with an error diagnostic when it is unsafe. */
async function resolveOrReport(
  request: WriteBackPlanRequest,
  out: Collected,
  path: string,
): Promise<string | undefined> {
  try {
    return await resolveRepoPath(request.files, "", path);
  } catch (error) {
    if (!isImageUpdaterError(error, "PATH_UNSAFE")) throw error;
    out.diagnostics.push(editDiagnostic("error", path, error.message));
    return undefined;
  }
}

/** Plans one file: edits it now for diagnostics, and returns a replayable edit when it changes. */
async function planFile(
  request: WriteBackPlanRequest,
  out: Collected,
  path: string,
  edit: Editor,
  options: { readonly create: boolean },
): Promise<void> {
  const real = await resolveOrReport(request, out, path);
  if (real === undefined) return;
  out.paths.push(real);
  const current = await request.files.readFile(real);
  if (current === null && !options.create) {
    out.diagnostics.push(
      editDiagnostic("error", real, "the file does not exist in the repository; nothing was written"),
    );
    return;
  }
  if (current !== null) {
    // Parsed once in slices first, so a big file keeps the event loop turning and one over the limit
    // is refused before any editor walks it.
    const parsed = await parseYamlSliced(current);
    if (parsed.overLimit) {
      out.diagnostics.push(overLimitDiagnostic(real, parsed));
      return;
    }
  }
  const result = edit(current ?? "", real);
  out.diagnostics.push(...result.diagnostics);
  for (const label of result.changedImages) if (!out.changedImages.includes(label)) out.changedImages.push(label);
  if (!result.changed) return;
  out.changes.push({
    type: "edit",
    path: real,
    apply(text: string | null): string | null {
      if (text === null && !options.create) return null;
      const replayed = edit(text ?? "", real);
      return replayed.changed ? replayed.text : text;
    },
  });
}

/** Cheap screening: a workload file that mentions the last name segment of at least one watched image. */
function manifestScreen(changes: readonly ImageChange[]): (text: string) => boolean {
  const needles = changes.map((change) => {
    const name = splitImage(change.image).name;
    return name.slice(name.lastIndexOf("/") + 1);
  });
  return (text) => mayHoldWorkloads(text) && needles.some((needle) => text.includes(needle));
}

/** Plans a directory (or single file) of manifests or setter markers. */
async function planTree(
  request: WriteBackPlanRequest,
  out: Collected,
  path: string,
  screen: (text: string) => boolean,
  edit: Editor,
  tree: { readonly matched: Set<string>; readonly expected: readonly ImageChange[]; readonly recurse: boolean },
): Promise<void> {
  const root = await resolveOrReport(request, out, path);
  if (root === undefined) return;
  for (const file of await yamlFilesUnder(request.files, root, tree.recurse)) {
    const text = await request.files.readFile(file);
    if (text === null || !screen(text)) continue;
    await planFile(request, out, file, edit, { create: false });
  }
  for (const change of tree.expected) {
    const label = imageLabel(change);
    if (!tree.matched.has(label)) {
      out.diagnostics.push(
        editDiagnostic(
          "warning",
          root === "" ? "." : root,
          `no file here references ${change.image}; nothing was written for it`,
          label,
        ),
      );
    }
  }
}

/**
 * Plans the write-back of one application's image changes. The default target follows DESIGN §8: Directory
 * applications edit their plain manifests under the source path in place; Helm, Kustomize and Plugin
 * applications get argocd-image-updater's `.argocd-source-<app>.yaml`. Unsafe paths and files that are not
 * valid YAML give error diagnostics and no change; `changes` is empty when everything is already in place.
 */
export async function planWriteBack(request: WriteBackPlanRequest): Promise<WriteBackPlan> {
  const out: Collected = { changes: [], diagnostics: [], changedImages: [], paths: [] };
  const source = primarySource(request);
  let sourcePath: string;
  try {
    sourcePath = joinRepoPath("", request.sourcePath ?? source?.path ?? "");
  } catch (error) {
    if (!isImageUpdaterError(error, "PATH_UNSAFE")) throw error;
    return { ...out, diagnostics: [editDiagnostic("error", "spec.source.path", error.message)] };
  }
  const { target, diagnostics } = requestTarget(request.target);
  if (target === undefined) return { ...out, diagnostics };
  const { changes } = request;
  try {
    await planTarget(request, out, target, sourcePath, changes);
  } catch (error) {
    if (!isImageUpdaterError(error, "PATH_UNSAFE")) throw error;
    out.diagnostics.push(editDiagnostic("error", "write-back-target", error.message));
  }
  return out;
}

async function planTarget(
  request: WriteBackPlanRequest,
  out: Collected,
  target: PlanTarget,
  sourcePath: string,
  changes: readonly ImageChange[],
): Promise<void> {
  switch (target.kind) {
    case "default": {
      const type = await detectSourceType(request, sourcePath);
      if (type === "Directory") {
        const matched = new Set<string>();
        const edit: Editor = (text, key) => editManifests(text, changes, key, matched);
        // Argo CD reads only the top directory unless `directory.recurse` is set.
        const recurse = primarySource(request)?.directory?.recurse === true;
        return planTree(request, out, sourcePath, manifestScreen(changes), edit, {
          matched,
          expected: changes,
          recurse,
        });
      }
      const name = argocdSourceFileName(request.application, request.argocdNamespace ?? DEFAULT_ARGOCD_NAMESPACE);
      // Plugin applications without plugin names are written as Helm, as argocd-image-updater does.
      const kind =
        type === "Kustomize" ? "kustomize" : type === "Plugin" && changes.some((c) => c.plugin) ? "plugin" : "helm";
      return planFile(
        request,
        out,
        joinRepoPath(sourcePath, name),
        (text, key) => editArgocdSource(text, changes, { kind, key }),
        {
          create: true,
        },
      );
    }
    case "file": {
      const type = await detectSourceType(request, sourcePath);
      const kind =
        type === "Kustomize" ? "kustomize" : type === "Plugin" && changes.some((c) => c.plugin) ? "plugin" : "helm";
      // A literal target is repository-relative, as in argocd-image-updater.
      return planFile(
        request,
        out,
        joinRepoPath("", target.path),
        (text, key) => editArgocdSource(text, changes, { kind, key }),
        {
          create: true,
        },
      );
    }
    case "kustomization": {
      const dir = targetPath(sourcePath, target.path, ".");
      const realDir = await resolveRepoPath(request.files, "", dir);
      const file = await findKustomization(request.files, realDir);
      if (file === undefined) {
        out.diagnostics.push(
          editDiagnostic(
            "error",
            realDir === "" ? "." : realDir,
            `no ${KUSTOMIZATION_FILE_NAMES.join(", ")} here; nothing was written`,
          ),
        );
        return;
      }
      return planFile(request, out, file, (text, key) => editKustomization(text, changes, key), { create: false });
    }
    case "helmvalues":
      return planFile(
        request,
        out,
        targetPath(sourcePath, target.path, "values.yaml"),
        (text, key) => editHelmValues(text, changes, key),
        {
          create: true,
        },
      );
    case "manifests": {
      const matched = new Set<string>();
      const edit: Editor = (text, key) => editManifests(text, changes, key, matched);
      const tree = { matched, expected: changes, recurse: true };
      return planTree(request, out, targetPath(sourcePath, target.path, "."), manifestScreen(changes), edit, tree);
    }
    case "flux": {
      const root = targetPath(sourcePath, target.path, ".");
      const named = await markedPolicies(request, root);
      const policies: Record<string, ImageChange> = {};
      for (const change of changes) {
        const policy = change.imagePolicy ?? policyOf(change, named);
        if (policy !== undefined) policies[policy] = change;
        else {
          out.diagnostics.push(
            editDiagnostic(
              "warning",
              "write-back-target",
              `no Flux image policy marker here names ${change.image}; it is skipped`,
              imageLabel(change),
            ),
          );
        }
      }
      const matched = new Set<string>();
      const edit: Editor = (text, key) => editFluxSetters(text, policies, key, matched);
      const tree = { matched, expected: Object.values(policies), recurse: true };
      return planTree(request, out, root, mayHoldSetters, edit, tree);
    }
  }
}

/** Each setter-marker policy under `path`, with the image names its `full` or `:name` markers hold. */
async function markedPolicies(request: WriteBackPlanRequest, path: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  let root: string;
  try {
    root = await resolveRepoPath(request.files, "", path);
  } catch {
    return found;
  }
  for (const file of await yamlFilesUnder(request.files, root, true)) {
    const text = await request.files.readFile(file);
    const parsed = text === null || !mayHoldSetters(text) ? undefined : (await parseYamlSliced(text)).file;
    if (parsed !== undefined) collectPolicies(setterMarkers(parsed), found);
  }
  return found;
}

/** Adds each marker's policy to `found`, with the image name its `full` or `:name` marker holds. */
export function collectPolicies(
  markers: readonly SetterMarker[],
  found: Map<string, string[]> = new Map(),
): Map<string, string[]> {
  for (const marker of markers) {
    const names = found.get(marker.policy) ?? [];
    if (marker.field === "full" || marker.field === "name") names.push(splitImage(scalarText(marker.node)).name);
    found.set(marker.policy, names);
  }
  return found;
}

/**
 * The policy of a change that names none: the one whose markers hold its image name, else the one named after
 * its alias or the image's last path segment (`flux-system:podinfo` for `ghcr.io/org/podinfo`), as Flux users
 * name their ImagePolicies.
 */
export function policyOf(
  change: Pick<ImageChange, "alias" | "image">,
  policies: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const entries = [...policies];
  const byImage = entries.find(([, names]) => names.some((name) => sameImageName(name, change.image)));
  if (byImage !== undefined) return byImage[0];
  const name = splitImage(change.image).name;
  const wanted = [change.alias, name.slice(name.lastIndexOf("/") + 1)].filter((v): v is string => !!v);
  return entries.find(([policy]) => wanted.includes(policy.slice(policy.indexOf(":") + 1)))?.[0];
}
