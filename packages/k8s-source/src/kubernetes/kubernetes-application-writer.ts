/**
 * The `argocd` write-back through the API: a JSON patch of the image fields of one Application source
 * (`kustomize.images`, `helm.parameters`, `plugin.env`), conditional on the resourceVersion just read, never a
 * full replace. On 409 Conflict it reads again and re-applies only the entries this cycle changed, so a
 * concurrent writer's edits (another image, another parameter, any other field) survive.
 */
import {
  type ApplicationRef,
  type ApplicationSourceSpec,
  type ApplicationWriter,
  kustomizeImageKey,
  type RequestOptions,
  SourceError,
} from "@image-updater/core";
import type { KubeApiError, KubeClient } from "./kube-client.js";

/** Options of {@link createKubernetesApplicationWriter}. */
export interface KubernetesApplicationWriterOptions {
  readonly client: KubeClient;
  /**
   * The Application as the engine saw it when it decided (the source's last list or watch event): entries
   * equal to it are not this cycle's changes and are left as the server now has them.
   */
  readonly baseline?: (ref: ApplicationRef) => Readonly<Record<string, unknown>> | undefined;
  /** Read-patch rounds before giving up on conflicts. @default 5 */
  readonly maxAttempts?: number;
}

type Json = Record<string, unknown>;
type JsonPatchOp = { op: "add" | "replace" | "test"; path: string; value: unknown };

interface Field {
  readonly parent: string;
  readonly child: string;
  readonly desired: readonly unknown[];
  readonly key: (entry: unknown) => string;
}

const byName = (entry: unknown) => String((entry as { name?: unknown } | null)?.name ?? "");

function fieldsOf(source: ApplicationSourceSpec): Field[] {
  const fields: Field[] = [];
  if (source.kustomize?.images) {
    fields.push({
      parent: "kustomize",
      child: "images",
      desired: source.kustomize.images,
      key: (entry) => kustomizeImageKey(String(entry)),
    });
  }
  if (source.helm?.parameters) {
    const parameters = source.helm.parameters.map((p) => ({
      name: p.name,
      value: p.value,
      ...(p.forceString === undefined ? {} : { forceString: p.forceString }),
    }));
    fields.push({ parent: "helm", child: "parameters", desired: parameters, key: byName });
  }
  if (source.plugin?.env) {
    const env = source.plugin.env.map((e) => ({ name: e.name, value: e.value }));
    fields.push({ parent: "plugin", child: "env", desired: env, key: byName });
  }
  return fields;
}

/** The JSON pointer of the source the engine wrote to: `spec.source`, or the `spec.sources` entry with its repo. */
function sourcePointer(
  object: Json | undefined,
  source: ApplicationSourceSpec,
): { path: string; value: Json } | undefined {
  const spec = object?.spec as { source?: Json; sources?: Json[] } | undefined;
  if (spec?.source && typeof spec.source === "object") return { path: "/spec/source", value: spec.source };
  const index =
    spec?.sources?.findIndex(
      (s) => s?.repoURL === source.repoURL && (source.path === undefined || s?.path === source.path),
    ) ?? -1;
  return index >= 0 && spec?.sources
    ? { path: `/spec/sources/${index}`, value: spec.sources[index] as Json }
    : undefined;
}

const listAt = (source: Json | undefined, field: Field): unknown[] | undefined => {
  const parent = source?.[field.parent] as Json | undefined;
  const list = parent?.[field.child];
  return Array.isArray(list) ? list : undefined;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `current` with this cycle's changes (desired entries that differ from the baseline) set by key. */
function mergeEntries(current: readonly unknown[], baseline: readonly unknown[] | undefined, field: Field): unknown[] {
  const result = [...current];
  const reference = baseline ?? current;
  for (const entry of field.desired) {
    const key = field.key(entry);
    const before = reference.find((e) => field.key(e) === key);
    if (before !== undefined && same(before, entry)) continue;
    const index = result.findIndex((e) => field.key(e) === key);
    if (index === -1) result.push(entry);
    else result[index] = entry;
  }
  return result;
}

/** Creates the API {@link ApplicationWriter}. */
export function createKubernetesApplicationWriter(options: KubernetesApplicationWriterOptions): ApplicationWriter {
  const { client } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const target = (ref: ApplicationRef, verb: string) => ({
    verb,
    resource: "applications",
    namespace: ref.namespace,
    name: ref.name,
  });
  const coordinates = (ref: ApplicationRef) => ({
    group: "argoproj.io",
    version: "v1alpha1",
    plural: "applications",
    namespace: ref.namespace,
    name: ref.name,
  });
  return {
    async updateSource(ref: ApplicationRef, source: ApplicationSourceSpec, requestOptions?: RequestOptions) {
      const label = `${ref.namespace}/${ref.name}`;
      const signal = requestOptions?.signal;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const current = (await client.call(
          target(ref, "get"),
          (callOptions) => client.custom.getNamespacedCustomObject(coordinates(ref), callOptions),
          signal,
        )) as Json;
        const at = sourcePointer(current, source);
        if (!at) {
          throw new SourceError(
            "SOURCE_UNAVAILABLE",
            `[kubernetes] Application ${label} has no spec.source (or spec.sources entry for ${source.repoURL}) to write images to`,
          );
        }
        const baseline = options.baseline?.(ref);
        const baseSource = baseline ? sourcePointer(baseline as Json, source)?.value : undefined;
        const operations: JsonPatchOp[] = [];
        for (const field of fieldsOf(source)) {
          const existing = listAt(at.value, field);
          const next = mergeEntries(existing ?? [], baseSource ? (listAt(baseSource, field) ?? []) : undefined, field);
          if (existing !== undefined && same(existing, next)) continue;
          const parent = at.value[field.parent];
          if (parent && typeof parent === "object") {
            operations.push({ op: "add", path: `${at.path}/${field.parent}/${field.child}`, value: next });
          } else {
            operations.push({ op: "add", path: `${at.path}/${field.parent}`, value: { [field.child]: next } });
          }
        }
        if (operations.length === 0) return;
        const resourceVersion = (current.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
        const guards: JsonPatchOp[] = [
          // Setting the read resourceVersion makes the patch conditional: the server answers 409 if it moved.
          { op: "replace", path: "/metadata/resourceVersion", value: resourceVersion },
          ...(at.path.startsWith("/spec/sources/")
            ? [{ op: "test" as const, path: `${at.path}/repoURL`, value: source.repoURL }]
            : []),
        ];
        try {
          await client.call(
            target(ref, "patch"),
            (callOptions) =>
              client.custom.patchNamespacedCustomObject(
                { ...coordinates(ref), body: [...guards, ...operations] },
                callOptions,
              ),
            signal,
            { "Content-Type": "application/json-patch+json" },
          );
          return;
        } catch (error) {
          const status = (error as KubeApiError).status;
          // 409: someone wrote in between; 422: the sources list moved under the test. Both: read again.
          if ((status === 409 || status === 422) && attempt < maxAttempts) continue;
          throw error;
        }
      }
      throw new SourceError(
        "SOURCE_UNAVAILABLE",
        `[kubernetes] Application ${label} kept changing; gave up after ${maxAttempts} conflicting writes`,
        { retryable: true },
      );
    },
  };
}
