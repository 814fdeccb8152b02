import { createHash } from "node:crypto";
import type { Application, ApplicationSourceSpec, ApplicationSourceType, HelmParameter } from "@image-updater/core";
import type { ManifestDocument } from "./directory/manifest-files.js";
import type { DirectoryWarning } from "./directory/warnings.js";

/** Argo CD's Application group; any version is accepted (v1alpha1 today). */
const APPLICATION_GROUP = "argoproj.io/";
const SOURCE_TYPES: readonly ApplicationSourceType[] = ["Helm", "Kustomize", "Directory", "Plugin"];

/** True when a document is an Argo CD `Application`. */
export function isApplicationManifest(data: unknown): data is Record<string, unknown> {
  return (
    isRecord(data) &&
    data.kind === "Application" &&
    typeof data.apiVersion === "string" &&
    data.apiVersion.startsWith(APPLICATION_GROUP)
  );
}

/**
 * Converts an `Application` manifest into core's {@link Application}. Never throws: a missing name drops the
 * document with a warning; a malformed optional field is left out with a warning naming it.
 */
export function applicationFromManifest(
  document: ManifestDocument,
  defaultNamespace: string,
): { application: Application | null; warnings: DirectoryWarning[] } {
  const { application, problems } = applicationFromObject(document.data, defaultNamespace);
  const warnings = problems.map((message) => ({
    file: document.file,
    document: document.index,
    line: document.line,
    message,
  }));
  return { application, warnings };
}

/**
 * Converts an Argo CD `Application` object (a manifest's data, or what the API served) into core's
 * {@link Application}. Never throws: a missing name gives `null`; a malformed optional field is left out;
 * each problem is a message naming the field and what to write instead.
 */
export function applicationFromObject(
  data: unknown,
  defaultNamespace: string,
): { application: Application | null; problems: string[] } {
  const problems: string[] = [];
  function warn(message: string): void {
    problems.push(message);
  }
  const object = isRecord(data) ? data : {};
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const name = metadata.name;
  if (typeof name !== "string" || name === "") {
    warn("Application without metadata.name is ignored; add `metadata: { name: <app> }`");
    return { application: null, problems };
  }
  const namespace =
    typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : defaultNamespace;
  const spec = isRecord(object.spec) ? object.spec : {};
  const source = spec.source === undefined ? undefined : sourceSpec(spec.source, "spec.source", warn);
  const sources = Array.isArray(spec.sources)
    ? spec.sources.flatMap((s, i) => {
        const parsed = sourceSpec(s, `spec.sources[${i}]`, warn);
        return parsed ? [parsed] : [];
      })
    : undefined;
  const status = statusOf(object.status, warn);
  const application: Application = {
    name,
    namespace,
    labels: stringMap(metadata.labels, "metadata.labels", warn),
    annotations: stringMap(metadata.annotations, "metadata.annotations", warn),
    spec: {
      ...(typeof spec.project === "string" ? { project: spec.project } : {}),
      ...(source ? { source } : {}),
      ...(sources ? { sources } : {}),
    },
    ...(status ? { status } : {}),
    resourceVersion: typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : contentVersion(data),
  };
  return { application, problems };
}

/** A stable version string for a manifest without `resourceVersion`: changes whenever the content does. */
function contentVersion(data: unknown): string {
  return createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 16);
}

function sourceSpec(value: unknown, field: string, warn: (message: string) => void): ApplicationSourceSpec | undefined {
  if (!isRecord(value)) {
    warn(`${field} must be a mapping with repoURL, path and targetRevision; it is ignored`);
    return undefined;
  }
  if (typeof value.repoURL !== "string" || value.repoURL === "") {
    warn(`${field}.repoURL is missing; write the Git or Helm repository URL`);
    return undefined;
  }
  const result: {
    -readonly [K in keyof ApplicationSourceSpec]: ApplicationSourceSpec[K];
  } = { repoURL: value.repoURL };
  for (const key of ["path", "targetRevision", "ref", "chart"] as const) {
    const v = value[key];
    if (typeof v === "string") result[key] = v;
    else if (typeof v === "number") result[key] = String(v);
    else if (v !== undefined && v !== null) warn(`${field}.${key} must be a string; it is ignored`);
  }
  if (isRecord(value.helm)) {
    const helm: { parameters?: HelmParameter[]; valueFiles?: string[] } = {};
    if (Array.isArray(value.helm.parameters)) {
      helm.parameters = value.helm.parameters.flatMap((p, i) => {
        if (!isRecord(p) || typeof p.name !== "string") {
          warn(`${field}.helm.parameters[${i}] needs a name and a value; it is ignored`);
          return [];
        }
        const parameter: HelmParameter = {
          name: p.name,
          value: p.value === undefined || p.value === null ? "" : String(p.value),
          ...(typeof p.forceString === "boolean" ? { forceString: p.forceString } : {}),
        };
        return [parameter];
      });
    }
    if (Array.isArray(value.helm.valueFiles)) helm.valueFiles = value.helm.valueFiles.map(String);
    result.helm = helm;
  }
  if (isRecord(value.kustomize)) {
    result.kustomize = Array.isArray(value.kustomize.images) ? { images: value.kustomize.images.map(String) } : {};
  }
  if (isRecord(value.plugin)) {
    const plugin: { name?: string; env?: { name: string; value: string }[] } = {};
    if (typeof value.plugin.name === "string") plugin.name = value.plugin.name;
    if (Array.isArray(value.plugin.env)) {
      plugin.env = value.plugin.env.flatMap((e) =>
        isRecord(e) && typeof e.name === "string" ? [{ name: e.name, value: String(e.value ?? "") }] : [],
      );
    }
    result.plugin = plugin;
  }
  if (isRecord(value.directory)) result.directory = value.directory;
  return result;
}

function statusOf(value: unknown, warn: (message: string) => void): Application["status"] | undefined {
  if (!isRecord(value)) return undefined;
  const sourceType = SOURCE_TYPES.find((t) => t === value.sourceType);
  if (value.sourceType !== undefined && sourceType === undefined) {
    warn(`status.sourceType must be one of ${SOURCE_TYPES.join(", ")}; it is ignored`);
  }
  const images =
    isRecord(value.summary) && Array.isArray(value.summary.images) ? value.summary.images.map(String) : undefined;
  if (sourceType === undefined && images === undefined) return undefined;
  return {
    ...(sourceType ? { sourceType } : {}),
    ...(images ? { summary: { images } } : {}),
  };
}

/** Kubernetes labels and annotations are string maps; scalars written unquoted are kept as their text. */
function stringMap(value: unknown, field: string, warn: (message: string) => void): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    warn(`${field} must be a mapping of strings; it is ignored`);
    return {};
  }
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "string") result[key] = v;
    else if (typeof v === "number" || typeof v === "boolean") {
      result[key] = String(v);
      warn(`${field}.${key} should be a string; quote the value ("${String(v)}")`);
    } else warn(`${field}.${key} must be a string; it is ignored`);
  }
  return result;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
