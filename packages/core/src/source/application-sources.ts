/**
 * Which source of an Application its images are written in, and how Argo CD renders a source: one rule each,
 * for single and multi-source Applications alike.
 */
import { repositoryKey } from "../git/repository-url.js";
import type { Application, ApplicationSourceSpec, ApplicationSourceType } from "./types.js";

export { repositoryKey };

/** Every source of the Application, in spec order (`spec.sources`, else `spec.source`). */
export function sourcesOf(application: Pick<Application, "spec">): readonly ApplicationSourceSpec[] {
  const { source, sources } = application.spec;
  if (sources !== undefined && sources.length > 0) return sources;
  return source === undefined ? [] : [source];
}

/** `$<ref>/<path>` value files: the ref name and the repository-relative path. */
export interface RefValueFile {
  readonly ref: string;
  readonly path: string;
}

/** Parses a `$<ref>/<path>` entry of `helm.valueFiles`; `undefined` for a plain (chart-relative) entry. */
export function parseRefValueFile(entry: string): RefValueFile | undefined {
  const match = /^\$([^/]+)\/(.+)$/.exec(entry.trim());
  return match === null ? undefined : { ref: match[1] ?? "", path: match[2] ?? "" };
}

/** The first `$<ref>/…` value file that names `ref`, across the Application's sources. */
export function refValueFile(application: Pick<Application, "spec">, ref: string): string | undefined {
  for (const source of sourcesOf(application)) {
    for (const entry of source.helm?.valueFiles ?? []) {
      const parsed = parseRefValueFile(entry);
      if (parsed?.ref === ref) return parsed.path;
    }
  }
  return undefined;
}

/**
 * The source the images are written in. With a write-back repository (`git-repository`): the source whose
 * `repoURL` names it (argocd-image-updater's rule), else the first. Without one: the first source, unless it
 * is a chart from a Helm repository whose values live in a `ref` source of a Git repository (`$values/…`):
 * then that source, since a Helm repository cannot be written.
 */
export function writeBackSource(
  application: Pick<Application, "spec">,
  writeBackRepository?: string,
): ApplicationSourceSpec | undefined {
  const sources = sourcesOf(application);
  if (writeBackRepository !== undefined && writeBackRepository.trim() !== "") {
    const key = repositoryKey(writeBackRepository);
    const matching = sources.filter((source) => repositoryKey(source.repoURL) === key);
    return matching.find((source) => source.chart === undefined) ?? matching[0] ?? sources[0];
  }
  const first = sources[0];
  if (first?.chart === undefined) return first;
  return sources.find((source) => source.ref !== undefined && refValueFile(application, source.ref)) ?? first;
}

/** The source the `argocd` write-back method sets parameters on: the first, as argocd-image-updater does. */
export function parameterSource(application: Pick<Application, "spec">): ApplicationSourceSpec | undefined {
  return sourcesOf(application)[0];
}

/**
 * How Argo CD renders `source`, when the spec or status says so: `status.sourceType` (single-source only, as
 * Argo CD records it), else the source's explicit `helm`/`chart`, `kustomize`, `plugin` or `directory` field.
 * `undefined` means the files decide (a kustomization file, a `Chart.yaml`, else Directory).
 */
export function declaredSourceType(
  application: Partial<Pick<Application, "spec" | "status">>,
  source: ApplicationSourceSpec | undefined,
): ApplicationSourceType | undefined {
  const single = application.spec === undefined || sourcesOf({ spec: application.spec }).length <= 1;
  if (single && application.status?.sourceType !== undefined) return application.status.sourceType;
  if (source === undefined) return undefined;
  if (source.helm !== undefined || source.chart !== undefined) return "Helm";
  if (source.kustomize !== undefined) return "Kustomize";
  if (source.plugin !== undefined) return "Plugin";
  if (source.directory !== undefined) return "Directory";
  return undefined;
}
