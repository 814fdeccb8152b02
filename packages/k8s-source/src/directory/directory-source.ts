import type { RequestOptions } from "@image-updater/core";
import { type Application, type ApplicationEvent, type ApplicationSource, SourceError } from "@image-updater/core";
import { applicationFromManifest, isApplicationManifest } from "../application-object.js";
import { createDirectoryWatcher } from "./directory-watcher.js";
import { scanManifests } from "./manifest-files.js";
import type { DirectoryWarning, DirectoryWarningHandler } from "./warnings.js";

/** Options of {@link createDirectorySource}. */
export interface DirectorySourceOptions {
  /** Folder holding Argo CD `Application` manifests (`.yaml`/`.yml`, any depth, multi-document). */
  readonly dir: string;
  /**
   * Only Applications in this namespace are listed; manifests that state no namespace are taken to be in it.
   * Absent: every namespace, and manifests without one are in `argocd`.
   */
  readonly namespace?: string;
  /** Namespace of manifests that state none, when `namespace` is not given. @default "argocd" */
  readonly defaultNamespace?: string;
  /** Called for every file or document that could not be used. The other files still load. */
  readonly onWarning?: DirectoryWarningHandler;
  /** Quiet time before a burst of file changes becomes one rescan, in milliseconds. @default 100 */
  readonly debounceMs?: number;
}

/** Result of one {@link DirectorySource.scan}. */
export interface DirectoryScan {
  readonly applications: readonly Application[];
  readonly warnings: readonly DirectoryWarning[];
}

/** An {@link ApplicationSource} over a folder of manifests, for GitOps setups without cluster access. */
export interface DirectorySource extends ApplicationSource {
  readonly id: "directory";
  /** Every Application plus the warnings met. Rejects with `SOURCE_UNAVAILABLE` when `dir` cannot be listed. */
  scan(options?: RequestOptions): Promise<DirectoryScan>;
  list(options?: RequestOptions): Promise<readonly Application[]>;
  /**
   * Upserts and deletes after the call, one rescan per debounced burst of file changes. Ends when
   * `options.signal` aborts. A rescan that fails (the folder vanished) is reported through `onWarning`.
   */
  watch(options?: RequestOptions): AsyncIterable<ApplicationEvent>;
}

/** Namespace Argo CD keeps its Applications in by default. */
const ARGOCD_NAMESPACE = "argocd";

/** Creates a source that reads Argo CD Applications from `options.dir`. */
export function createDirectorySource(options: DirectorySourceOptions): DirectorySource {
  const defaultNamespace = options.namespace ?? options.defaultNamespace ?? ARGOCD_NAMESPACE;
  const debounceMs = options.debounceMs ?? 100;

  async function scanQuietly(): Promise<DirectoryScan & { directories: readonly string[] }> {
    let scan: Awaited<ReturnType<typeof scanManifests>>;
    try {
      scan = await scanManifests(options.dir);
    } catch (error) {
      throw new SourceError(
        "SOURCE_UNAVAILABLE",
        `[directory] cannot list the applications folder: ${errorCode(error)}`,
        {
          cause: error,
          retryable: true,
        },
      );
    }
    const warnings = [...scan.warnings];
    const applications: Application[] = [];
    const seen = new Map<string, string>();
    for (const document of scan.documents) {
      if (!isApplicationManifest(document.data)) continue;
      const converted = applicationFromManifest(document, defaultNamespace);
      warnings.push(...converted.warnings);
      const application = converted.application;
      if (!application) continue;
      if (options.namespace !== undefined && application.namespace !== options.namespace) continue;
      const key = `${application.namespace}/${application.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        warnings.push({
          file: document.file,
          document: document.index,
          line: document.line,
          message: `Application ${key} is already defined in ${first}; this copy is ignored, keep one`,
        });
        continue;
      }
      seen.set(key, document.file);
      applications.push(application);
    }
    return { applications, warnings, directories: scan.directories };
  }

  async function scan(requestOptions?: RequestOptions): Promise<DirectoryScan> {
    throwIfAborted(requestOptions?.signal);
    const result = await scanQuietly();
    for (const warning of result.warnings) options.onWarning?.(warning);
    return { applications: result.applications, warnings: result.warnings };
  }

  async function* watch(requestOptions?: RequestOptions): AsyncIterable<ApplicationEvent> {
    const signal = requestOptions?.signal;
    if (signal?.aborted) return;
    const watcher = createDirectoryWatcher(debounceMs, signal);
    try {
      // Watch first, then take the baseline, so a change racing the baseline still triggers a rescan.
      watcher.sync([options.dir]);
      let known = new Map<string, { application: Application; json: string }>();
      try {
        const baseline = await scanQuietly();
        watcher.sync(baseline.directories);
        known = snapshot(baseline.applications);
      } catch (error) {
        reportFailure(error);
      }
      while (await watcher.next()) {
        let next: Awaited<ReturnType<typeof scanQuietly>>;
        try {
          next = await scanQuietly();
        } catch (error) {
          reportFailure(error);
          continue;
        }
        watcher.sync([options.dir, ...next.directories]);
        for (const warning of next.warnings) options.onWarning?.(warning);
        const current = snapshot(next.applications);
        for (const [key, entry] of current) {
          if (known.get(key)?.json !== entry.json) yield { type: "upsert", application: entry.application };
        }
        for (const [key, entry] of known) {
          if (!current.has(key)) {
            yield { type: "delete", ref: { namespace: entry.application.namespace, name: entry.application.name } };
          }
        }
        known = current;
      }
    } finally {
      watcher.close();
    }
  }

  function reportFailure(error: unknown): void {
    options.onWarning?.({ file: ".", message: error instanceof Error ? error.message : "cannot list the folder" });
  }

  return {
    id: "directory",
    scan,
    async list(requestOptions) {
      return (await scan(requestOptions)).applications;
    },
    watch,
  };
}

function snapshot(applications: readonly Application[]): Map<string, { application: Application; json: string }> {
  return new Map(
    applications.map((application) => [
      `${application.namespace}/${application.name}`,
      { application, json: JSON.stringify(application) },
    ]),
  );
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SourceError("ABORTED", "[directory] aborted", { cause: signal.reason });
}

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown error";
}
