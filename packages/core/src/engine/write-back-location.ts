/**
 * Where an Application's images are written in Git, decided once per application and cycle: the source, its
 * repository, base branch and path, and the write-back target with a multi-source `$ref` values file
 * resolved. The live-image reading and the git write-back both start from it.
 */
import type { ApplicationUpdateConfig, WriteBackTarget } from "../config/types.js";
import { refValueFile, writeBackSource } from "../source/application-sources.js";
import type { Application, ApplicationSourceSpec } from "../source/types.js";

/** Where one Application's images are written. */
export interface WriteBackLocation {
  /** The source written in (see `writeBackSource`); `undefined` when the Application has none. */
  readonly source: ApplicationSourceSpec | undefined;
  /** Repository read and written: `git-repository`, else the source's `repoURL`. */
  readonly repoUrl: string | undefined;
  /** Branch read and based on: `git-branch`, else the source's `targetRevision`; `""`/`HEAD`: the remote's default. */
  readonly baseBranch: string;
  /** Directory of the source in the repository (`""` for the root). */
  readonly sourcePath: string;
  /** The write-back target; a values-only source's `$ref` values file fills a bare `helmvalues` or the default. */
  readonly target: WriteBackTarget;
}

/** Locates the write-back of `application` under `config`. Pure. */
export function locateWriteBack(application: Application, config: ApplicationUpdateConfig): WriteBackLocation {
  const git = config.writeBack.git;
  const source = writeBackSource(application, git?.repository);
  const configured: WriteBackTarget = git?.target ?? { kind: "default" };
  return {
    source,
    repoUrl: git?.repository ?? source?.repoURL,
    baseBranch: git?.baseBranch ?? source?.targetRevision ?? "",
    sourcePath: source?.path ?? "",
    target: withRefValues(application, source, configured),
  };
}

/**
 * A bare `helmvalues` (or the default) of a values-only source (`ref` and no `path`: Argo CD renders nothing
 * from it) names the values file other sources read from it.
 */
function withRefValues(
  application: Application,
  source: ApplicationSourceSpec | undefined,
  target: WriteBackTarget,
): WriteBackTarget {
  const bare = target.kind === "default" || (target.kind === "helmvalues" && target.path === undefined);
  if (!bare || source?.ref === undefined || source.path !== undefined || source.chart !== undefined) return target;
  const path = refValueFile(application, source.ref);
  return path === undefined ? target : { kind: "helmvalues", path: `/${path}` };
}
