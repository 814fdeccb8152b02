/**
 * The model of an Application's images: what runs now, and where it is written, read once per application and
 * cycle. DESIGN §8: `status.summary.images` when the Application has them; else Git at the write-back
 * location: the write-back target first (what the editors will write), then the source's own files (override
 * file, spec parameters, kustomization, values, plain manifests). All readers share one parse per file.
 */
import type { Diagnostic } from "../config/diagnostic.js";
import type { ApplicationUpdateConfig } from "../config/types.js";
import { argocdSourceFileName } from "../editors/argocd-source.js";
import { readCurrentImages } from "../editors/current.js";
import { createParsedFiles, type ParsedFiles } from "../editors/parsed-files.js";
import type { GitRepository, GitWriter, RepositoryFiles } from "../git/types.js";
import { parseImageReference } from "../image/reference.js";
import { declaredSourceType, parameterSource } from "../source/application-sources.js";
import type { Application } from "../source/types.js";
import type { LiveImage } from "../strategy/needs-update.js";
import { watchedImage } from "./check-image.js";
import { imagesInSpec, readDeployedImages, safeJoin } from "./deployed-images.js";
import { locateWriteBack, type WriteBackLocation } from "./write-back-location.js";

/** Parses `status.summary.images`; entries that are not image references are ignored. */
export function imagesFromStatus(application: Application): LiveImage[] {
  const found: LiveImage[] = [];
  for (const text of application.status?.summary?.images ?? []) {
    const value = parseImageReference(text).value;
    if (value === undefined) continue;
    found.push({
      registry: value.registry,
      repository: value.repository,
      ...(value.tag === undefined ? {} : { tag: value.tag }),
      ...(value.digest === undefined ? {} : { digest: value.digest }),
    });
  }
  return found;
}

/** Reads branches once per cycle. */
export interface BranchViews {
  open(repository: GitRepository, branch: string): Promise<RepositoryFiles | null>;
}

/** A per-cycle cache of branch views over a writer. */
export function createBranchViews(git: GitWriter, signal: AbortSignal | undefined): BranchViews {
  const views = new Map<string, Promise<RepositoryFiles | null>>();
  const defaults = new Map<string, Promise<string>>();
  const options = signal === undefined ? {} : { signal };
  return {
    async open(repository, branch) {
      let name = branch;
      if (name === "" || name === "HEAD") {
        let pending = defaults.get(repository.url);
        if (pending === undefined) {
          pending = git.defaultBranch(repository, options);
          defaults.set(repository.url, pending);
        }
        name = await pending;
      }
      const key = JSON.stringify([repository.url, name]);
      let view = views.get(key);
      if (view === undefined) {
        view = git.openBranch(repository, name, options);
        views.set(key, view);
      }
      return view;
    },
  };
}

/** Input of {@link readApplicationImages}. */
export interface ApplicationImagesInput {
  readonly application: Application;
  readonly config: ApplicationUpdateConfig;
  /** Branch views of the cycle; absent: Git is not read (the spec alone says what is written). */
  readonly views?: BranchViews;
  /** The write-back repository with its credentials, looked up only when Git must be read. */
  readonly repository?: (location: WriteBackLocation) => Promise<GitRepository | undefined>;
  /** Argo CD's namespace, for `.argocd-source-<namespace>_<app>.yaml`. */
  readonly argocdNamespace: string;
}

/** What an Application's images are now, and where they are written. */
export interface ApplicationImages {
  /** Where the images are written (source, repository, branch, path, target). */
  readonly location: WriteBackLocation;
  /** What runs now, most specific first: the status, else the write-back target, then the source's files. */
  readonly running: readonly LiveImage[];
  /** Where {@link running} was read: the status, or Git (files, with the spec's parameters as fallback). */
  readonly from: "status" | "git" | "spec";
  /** Values the Application spec holds (Helm parameters, Kustomize images) for the `argocd` method's check. */
  readonly spec: readonly LiveImage[];
  /** Files of the application refused for a parse limit: what they hold is unknown, so nothing is written. */
  readonly refused?: readonly Diagnostic[];
}

/** Reads the model of one Application's images. Rejects only when the repository cannot be read. */
export async function readApplicationImages(input: ApplicationImagesInput): Promise<ApplicationImages> {
  const { application, config } = input;
  const location = locateWriteBack(application, config);
  const spec = config.writeBack.method === "argocd" ? imagesInSpec(parameterSource(application), config.images) : [];
  const fromStatus = imagesFromStatus(application);
  if (fromStatus.length > 0) return { location, running: fromStatus, from: "status", spec };
  const repository =
    input.views === undefined || location.repoUrl === undefined ? undefined : await input.repository?.(location);
  const files =
    input.views === undefined || repository === undefined
      ? null
      : await input.views.open(repository, location.baseBranch);
  if (files === null) {
    return { location, running: imagesInSpec(location.source, config.images), from: "spec", spec };
  }
  const parsed = createParsedFiles();
  const running = await imagesInGit(input, location, files, parsed);
  const refused = parsed.refused();
  return { location, running, from: "git", spec, ...(refused.length === 0 ? {} : { refused }) };
}

async function imagesInGit(
  input: ApplicationImagesInput,
  location: WriteBackLocation,
  files: RepositoryFiles,
  parsed: ParsedFiles,
): Promise<LiveImage[]> {
  const { application, config } = input;
  const { target, sourcePath, source } = location;
  const targetPath =
    target.kind === "default"
      ? undefined
      : target.path === undefined
        ? target.kind === "helmvalues"
          ? safeJoin(sourcePath, "values.yaml")
          : sourcePath
        : safeJoin(sourcePath, target.path);
  const sourceType = declaredSourceType(application, source);
  const precise = await readCurrentImages({
    files,
    application,
    sourcePath,
    ...(source === undefined ? {} : { source }),
    ...(sourceType === undefined ? {} : { sourceType }),
    target,
    images: config.images.map(watchedImage),
    argocdNamespace: input.argocdNamespace,
    parsed,
  });
  const found: LiveImage[] = [];
  const missing = config.images.filter((image) => {
    const watched = watchedImage(image);
    const current = precise.images.get(watched.alias ?? watched.image);
    if (current === undefined) return true;
    found.push({
      registry: image.image.registry,
      repository: image.image.repository,
      ...(current.tag === undefined ? {} : { tag: current.tag }),
      ...(current.digest === undefined ? {} : { digest: current.digest }),
    });
    return false;
  });
  if (missing.length === 0) return found;
  // The target may not hold an image yet (no override file before the first write): then what the source's
  // own kustomization, values and manifests hold is what runs.
  const fallback = await readDeployedImages({
    files,
    application,
    images: missing,
    sourcePath,
    overrideFile: target.kind === "file" ? target.path : argocdSourceFileName(application, input.argocdNamespace),
    ...(targetPath === undefined ? {} : { targetPath }),
    ...(source === undefined ? {} : { source }),
    parsed,
  });
  return [...found, ...fallback];
}
