/**
 * Reads what an application's write-back target holds now, for each watched image: the current tag and
 * digest. DESIGN §8: the current image comes from `status.summary.images` when the Application has it, else
 * from the write-back target in Git; this is the second half.
 */
import type { Diagnostic } from "../config/diagnostic.js";
import { isImageUpdaterError } from "../errors.js";
import type { CurrentImage } from "../strategy/types.js";
import { argocdSourceFileName, DEFAULT_ARGOCD_NAMESPACE } from "./argocd-source.js";
import { editDiagnostic } from "./diagnostic.js";
import { imageLabel } from "./edit-runner.js";
import { setterMarkers } from "./flux-setters.js";
import { DEFAULT_HELM_IMAGE_TAG_KEY } from "./helm-values.js";
import { sameImageName, splitImage } from "./image-match.js";
import { parseKustomizeImageOverride } from "./kustomization.js";
import { containerImages, mayHoldWorkloads } from "./manifests.js";
import { createParsedFiles, type ParsedFiles } from "./parsed-files.js";
import { joinRepoPath, resolveRepoPath } from "./path-safety.js";
import { collectPolicies, policyOf, requestTarget, type WriteBackPlanRequest } from "./plan.js";
import { detectSourceType, findKustomization, primarySource, targetPath, yamlFilesUnder } from "./target-files.js";
import type { ImageChange } from "./types.js";
import { setValueAtPath } from "./value-path.js";
import { scalarText } from "./yaml-text.js";

/** The image fields an image needs to be found in a target (no new tag). */
export type WatchedImage = Pick<
  ImageChange,
  "alias" | "image" | "helm" | "plugin" | "kustomizeImageName" | "imagePolicy"
>;

/** What a target holds for one image: strategy's {@link CurrentImage} plus the file it was read from. */
export interface TargetImage extends CurrentImage {
  /** Repository-relative file it was read from. */
  readonly path: string;
}

/** Input of {@link readCurrentImages}: a write-back request with the watched images instead of changes. */
export interface CurrentImagesRequest extends Omit<WriteBackPlanRequest, "changes"> {
  readonly images: readonly WatchedImage[];
  /** Parses shared with the other readers of this application (one parse per file). @default a fresh cache */
  readonly parsed?: ParsedFiles;
}

/** Output of {@link readCurrentImages}: by image label (alias, else image); absent when the target has none. */
export interface CurrentImagesResult {
  readonly images: ReadonlyMap<string, TargetImage>;
  readonly diagnostics: readonly Diagnostic[];
}

type Found = Map<string, TargetImage>;

/** What a reader gets: one file's text and path, the watched images, the results so far and the parse cache. */
interface ReadInput {
  readonly text: string;
  readonly path: string;
  readonly images: readonly WatchedImage[];
  readonly found: Found;
  readonly yaml: ParsedFiles;
}

function remember(
  found: Found,
  image: WatchedImage,
  path: string,
  tag: string | undefined,
  digest: string | undefined,
): void {
  const label = imageLabel(image);
  if (found.has(label)) return;
  found.set(label, { path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function readManifests({ text, path, images, found, yaml }: ReadInput): void {
  const parsed = yaml.parse(text);
  if (parsed === undefined) return;
  for (const container of containerImages(parsed)) {
    const value = scalarText(container.node);
    for (const image of images) {
      if (sameImageName(value, image.image)) {
        const written = splitImage(value);
        remember(found, image, path, written.tag, written.digest);
      }
    }
  }
}

function readFlux({ text, path, images, found, yaml }: ReadInput): void {
  const parsed = yaml.parse(text);
  if (parsed === undefined) return;
  const all = setterMarkers(parsed);
  const policies = collectPolicies(all);
  for (const image of images) {
    const policy = image.imagePolicy ?? policyOf(image, policies);
    const markers = all.filter((marker) => marker.policy === policy);
    const full = markers.find((marker) => marker.field === "full");
    const tag = markers.find((marker) => marker.field === "tag");
    const digest = markers.find((marker) => marker.field === "digest");
    if (full !== undefined) {
      const written = splitImage(scalarText(full.node));
      remember(found, image, path, written.tag, written.digest);
    } else if (tag !== undefined || digest !== undefined) {
      remember(found, image, path, tag && scalarText(tag.node), digest && scalarText(digest.node));
    }
  }
}

function readKustomization({ text, path, images, found, yaml }: ReadInput): void {
  const entries = list(record(yaml.data(text)[0]).images).map(record);
  for (const image of images) {
    const name = image.kustomizeImageName ?? splitImage(image.image).name;
    const entry =
      entries.find((e) => e.name === name) ??
      entries.find((e) => sameImageName(String(e.name ?? ""), name) || sameImageName(String(e.newName ?? ""), name));
    if (entry !== undefined)
      remember(found, image, path, entry.newTag as string | undefined, entry.digest as string | undefined);
  }
}

function readHelmValues({ text, path, images, found, yaml }: ReadInput): void {
  const parsed = yaml.parse(text);
  if (parsed === undefined) return;
  const read = (key: string): string | undefined => {
    let current: string | undefined;
    setValueAtPath(
      parsed,
      key,
      (value) => {
        current = value;
        return null;
      },
      path,
    );
    return current;
  };
  for (const image of images) {
    if (image.helm?.spec) {
      const value = read(image.helm.spec);
      if (value !== undefined) remember(found, image, path, splitImage(value).tag, splitImage(value).digest);
      continue;
    }
    const value = read(image.helm?.tag || DEFAULT_HELM_IMAGE_TAG_KEY);
    if (value !== undefined) {
      const at = value.indexOf("@");
      remember(found, image, path, at < 0 ? value : value.slice(0, at), at < 0 ? undefined : value.slice(at + 1));
    }
  }
}

function readArgocdSource({ text, path, images, found, yaml }: ReadInput): void {
  const data = record(yaml.data(text)[0]);
  const params = new Map<string, string>();
  for (const entry of [...list(record(data.helm).parameters), ...list(record(data.plugin).env)].map(record)) {
    if (typeof entry.name === "string" && typeof entry.value === "string") params.set(entry.name, entry.value);
  }
  const kustomizeImages = list(record(data.kustomize).images).filter((v): v is string => typeof v === "string");
  for (const image of images) {
    const names = image.helm ?? image.plugin ?? {};
    const spec = names.spec ? params.get(names.spec) : undefined;
    const tag = params.get(names.tag || DEFAULT_HELM_IMAGE_TAG_KEY);
    if (spec !== undefined) {
      remember(found, image, path, splitImage(spec).tag, splitImage(spec).digest);
    } else if (tag !== undefined) {
      const at = tag.indexOf("@");
      remember(found, image, path, at < 0 ? tag : tag.slice(0, at), at < 0 ? undefined : tag.slice(at + 1));
    }
    const name = image.kustomizeImageName ?? splitImage(image.image).name;
    const entry = kustomizeImages.map(parseKustomizeImageOverride).find((o) => sameImageName(o.name, name));
    if (entry !== undefined) remember(found, image, path, entry.newTag, entry.digest);
  }
}

/**
 * Reads the current tag and digest of each watched image from the application's write-back target (same
 * target rules as {@link planWriteBack}). Images the target does not mention are absent from the map; unsafe
 * paths give error diagnostics. Never writes.
 */
export async function readCurrentImages(request: CurrentImagesRequest): Promise<CurrentImagesResult> {
  const found: Found = new Map();
  const diagnostics: Diagnostic[] = [];
  const { files, images } = request;
  const yaml = request.parsed ?? createParsedFiles();
  try {
    const sourcePath = joinRepoPath("", request.sourcePath ?? primarySource(request)?.path ?? "");
    const parsed = requestTarget(request.target);
    diagnostics.push(...parsed.diagnostics);
    const target = parsed.target;
    if (target === undefined) return { images: found, diagnostics };
    const readOne = async (path: string, reader: typeof readManifests): Promise<void> => {
      const real = await resolveRepoPath(files, "", path);
      const text = await files.readFile(real);
      if (text === null) return;
      await yaml.load(text, real);
      reader({ text, path: real, images, found, yaml });
    };
    const readTree = async (
      path: string,
      recurse: boolean,
      screen: (text: string) => boolean,
      reader: typeof readManifests,
    ): Promise<void> => {
      const root = await resolveRepoPath(files, "", path);
      for (const file of await yamlFilesUnder(files, root, recurse)) {
        const text = await files.readFile(file);
        if (text === null || !screen(text)) continue;
        await yaml.load(text, file);
        reader({ text, path: file, images, found, yaml });
      }
    };
    const type =
      target.kind === "default" || target.kind === "file" ? await detectSourceType(request, sourcePath) : undefined;
    switch (target.kind) {
      case "default":
        if (type === "Directory") {
          await readTree(
            sourcePath,
            primarySource(request)?.directory?.recurse === true,
            mayHoldWorkloads,
            readManifests,
          );
        } else {
          const name = argocdSourceFileName(request.application, request.argocdNamespace ?? DEFAULT_ARGOCD_NAMESPACE);
          await readOne(joinRepoPath(sourcePath, name), readArgocdSource);
        }
        break;
      case "file":
        await readOne(joinRepoPath("", target.path), readArgocdSource);
        break;
      case "kustomization": {
        const dir = await resolveRepoPath(files, "", targetPath(sourcePath, target.path, "."));
        const file = await findKustomization(files, dir);
        if (file !== undefined) await readOne(file, readKustomization);
        break;
      }
      case "helmvalues":
        await readOne(targetPath(sourcePath, target.path, "values.yaml"), readHelmValues);
        break;
      case "manifests":
        await readTree(targetPath(sourcePath, target.path, "."), true, mayHoldWorkloads, readManifests);
        break;
      case "flux":
        await readTree(
          targetPath(sourcePath, target.path, "."),
          true,
          (text) => text.includes('"$imagepolicy"'),
          readFlux,
        );
        break;
    }
  } catch (error) {
    if (!isImageUpdaterError(error, "PATH_UNSAFE")) throw error;
    diagnostics.push(editDiagnostic("error", "write-back-target", error.message));
  }
  return { images: found, diagnostics };
}
