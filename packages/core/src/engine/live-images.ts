/**
 * Where the current image comes from: the Application's `status.summary.images` when it has them, otherwise
 * the manifests in Git (what the repository says is deployed). Views of a branch are shared within a cycle.
 */
import type { ApplicationUpdateConfig } from "../config/types.js";
import { argocdSourceFileName } from "../editors/argocd-source.js";
import { readCurrentImages } from "../editors/current.js";
import type { GitRepository, GitWriter, RepositoryFiles } from "../git/types.js";
import { parseImageReference } from "../image/reference.js";
import type { Application } from "../source/types.js";
import type { LiveImage } from "../strategy/needs-update.js";
import { watchedImage } from "./check-image.js";
import { imagesInSpec, readDeployedImages, safeJoin } from "./deployed-images.js";

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

/** Options of {@link liveImagesFromGit}. */
export interface GitLiveImagesInput {
  readonly application: Application;
  readonly config: ApplicationUpdateConfig;
  readonly repository: GitRepository;
  readonly views: BranchViews;
  readonly argocdNamespace: string;
}

/** What the Application's source branch in Git says is deployed. */
export async function liveImagesFromGit(input: GitLiveImagesInput): Promise<LiveImage[]> {
  const { application, config } = input;
  const source = application.spec.source ?? application.spec.sources?.[0];
  const branch = config.writeBack.git?.baseBranch ?? source?.targetRevision ?? "";
  const files = await input.views.open(input.repository, branch);
  if (files === null) return imagesInSpec(source, config.images);
  const target = config.writeBack.git?.target;
  const sourcePath = source?.path ?? "";
  const targetPath =
    target === undefined || target.kind === "default"
      ? undefined
      : target.path === undefined
        ? target.kind === "helmvalues"
          ? safeJoin(sourcePath, "values.yaml")
          : sourcePath
        : safeJoin(sourcePath, target.path);
  const precise = await readCurrentImages({
    files,
    application,
    sourcePath,
    ...(target === undefined ? {} : { target }),
    images: config.images.map(watchedImage),
    argocdNamespace: input.argocdNamespace,
  });
  const found: LiveImage[] = [];
  for (const image of config.images) {
    const watched = watchedImage(image);
    const current = precise.images.get(watched.alias ?? watched.image);
    if (current === undefined) continue;
    found.push({
      registry: image.image.registry,
      repository: image.image.repository,
      ...(current.tag === undefined ? {} : { tag: current.tag }),
      ...(current.digest === undefined ? {} : { digest: current.digest }),
    });
  }
  // The target may not exist yet (no override file before the first write): then what the source's own
  // kustomization, values and manifests hold is what runs.
  const fallback = await readDeployedImages({
    files,
    application,
    images: config.images,
    sourcePath,
    overrideFile: target?.kind === "file" ? target.path : argocdSourceFileName(application, input.argocdNamespace),
    ...(targetPath === undefined ? {} : { targetPath }),
  });
  return [...found, ...fallback];
}
