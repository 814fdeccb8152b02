import { randomBytes } from "node:crypto";
import { readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  type ApplicationRef,
  type ApplicationSourceSpec,
  type ApplicationWriter,
  kustomizeImageKey,
  type ListItem,
  type RequestOptions,
  SourceError,
  setListInPlace,
} from "@image-updater/core";
import { isRecord } from "../application-object.js";
import { listManifestFiles, parseManifestText, parseManifestTextAsync } from "./manifest-files.js";
import { spliceYamlValue } from "./yaml-splice.js";

/** Options of {@link createDirectoryApplicationWriter}. */
export interface DirectoryApplicationWriterOptions {
  /** The folder {@link createDirectorySource} reads. */
  readonly dir: string;
  /** Namespace of Applications whose manifest states none. @default "argocd" */
  readonly defaultNamespace?: string;
  /** Attempts when the file changes between our read and our write. @default 5 */
  readonly maxAttempts?: number;
}

/**
 * The `argocd` write-back for a directory source: rewrites `helm.parameters`, `kustomize.images` and
 * `plugin.env` of the Application's source in its manifest file, leaving every other byte of the file as it
 * was (other documents, comments, key order, quoting). The file is replaced atomically (temp file + rename),
 * and only if nobody changed it since we read it; otherwise the edit is recomputed on the new text.
 */
export function createDirectoryApplicationWriter(options: DirectoryApplicationWriterOptions): ApplicationWriter {
  const defaultNamespace = options.defaultNamespace ?? "argocd";
  const maxAttempts = options.maxAttempts ?? 5;

  async function locate(ref: ApplicationRef): Promise<{ path: string; index: number } | null> {
    const { files } = await listManifestFiles(options.dir);
    for (const path of files) {
      const text = await readFile(path, "utf8").catch(() => null);
      if (text === null) continue;
      for (const document of (await parseManifestTextAsync(text, path)).documents) {
        const data = document.data;
        if (!isRecord(data) || data.kind !== "Application" || !isRecord(data.metadata)) continue;
        const namespace = typeof data.metadata.namespace === "string" ? data.metadata.namespace : defaultNamespace;
        if (data.metadata.name === ref.name && namespace === ref.namespace) return { path, index: document.index };
      }
    }
    return null;
  }

  return {
    async updateSource(ref, source, requestOptions?: RequestOptions) {
      const label = `${ref.namespace}/${ref.name}`;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        throwIfAborted(requestOptions?.signal);
        let found: Awaited<ReturnType<typeof locate>>;
        try {
          found = await locate(ref);
        } catch (error) {
          throw new SourceError("SOURCE_UNAVAILABLE", `[directory] cannot read the applications folder`, {
            cause: error,
            retryable: true,
          });
        }
        if (!found) {
          throw new SourceError("SOURCE_UNAVAILABLE", `[directory] Application ${label} not found in the folder`);
        }
        const original = await readFile(found.path, "utf8");
        const updated = applySourceChanges(original, found.index, source);
        if (updated === null) {
          throw new SourceError(
            "SOURCE_UNAVAILABLE",
            `[directory] Application ${label} has no source with repoURL ${source.repoURL}`,
          );
        }
        if (updated === original) return;
        if (await replaceIfUnchanged(found.path, original, updated)) return;
      }
      throw new SourceError("SOURCE_UNAVAILABLE", `[directory] Application ${label} kept changing while we wrote it`, {
        retryable: true,
      });
    },
  };
}

/**
 * New text of the file with the image fields of `source` written into document `index`, the text itself when
 * nothing differs, or `null` when the document has no matching source.
 */
export function applySourceChanges(text: string, index: number, source: ApplicationSourceSpec): string | null {
  const document = parseManifestText(text, "").documents.find((d) => d.index === index);
  if (!document || !isRecord(document.data) || !isRecord(document.data.spec)) return null;
  const spec = document.data.spec;
  let base: (string | number)[] | null = null;
  if (isRecord(spec.source)) base = ["spec", "source"];
  else if (Array.isArray(spec.sources)) {
    const i = spec.sources.findIndex(
      (s) => isRecord(s) && s.repoURL === source.repoURL && (source.path === undefined || s.path === source.path),
    );
    if (i >= 0) base = ["spec", "sources", i];
  }
  if (!base) return null;
  const current = base.reduce<unknown>(
    (node, key) =>
      isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined,
    document.data,
  );
  const byName = (item: unknown): string => (isRecord(item) && typeof item.name === "string" ? item.name : "");
  const byImage = (item: unknown): string => (typeof item === "string" ? kustomizeImageKey(item) : "");
  const fields: [readonly string[], readonly ListItem[], (item: unknown) => string][] = [];
  if (source.kustomize?.images) fields.push([["kustomize", "images"], [...source.kustomize.images], byImage]);
  if (source.helm?.parameters) {
    const parameters = source.helm.parameters.map((p) => ({
      name: p.name,
      value: p.value,
      ...(p.forceString === undefined ? {} : { forceString: p.forceString }),
    }));
    fields.push([["helm", "parameters"], parameters, byName]);
  }
  if (source.plugin?.env) {
    fields.push([["plugin", "env"], source.plugin.env.map((e) => ({ name: e.name, value: e.value })), byName]);
  }
  let result = text;
  for (const [field, value, keyOf] of fields) {
    const existing = field.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), current);
    if (JSON.stringify(existing) === JSON.stringify(value)) continue;
    const path = [...base, ...field];
    // Item by item keeps the list's comments and quotes; a list that is not there yet is written whole.
    const next = setListInPlace(result, index, path, value, keyOf) ?? spliceYamlValue(result, index, path, value);
    if (next === null) return null;
    result = next;
  }
  return result;
}

/** Atomic replace: temp file in the same folder, then rename, only if the file still holds `expected`. */
async function replaceIfUnchanged(path: string, expected: string, contents: string): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const { mode } = await stat(path);
  await writeFile(temp, contents, { mode });
  try {
    if ((await readFile(path, "utf8")) !== expected) return false;
    await rename(temp, path);
    return true;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SourceError("ABORTED", "[directory] aborted", { cause: signal.reason });
}
