/**
 * Diagnostics: what parsing user input returns instead of throwing. Every parser in core reports problems
 * this way so a CLI, a controller status or a test can show them uniformly.
 */

/** How bad a problem is. `error`: the named item is not used (or fails closed); `warning`: it is used with a fallback; `info`: a hint. */
export type DiagnosticSeverity = "error" | "warning" | "info";

/** One problem found in user input. Messages never contain secret values. */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  /**
   * Where the problem is: the full annotation key (`argocd-image-updater.argoproj.io/app.allow-tags`),
   * a config field path (`spec.applicationRefs[0].namePattern`) or a file line (`registries.conf:7`).
   */
  readonly key: string;
  /** What is wrong and what to write instead. */
  readonly message: string;
  /** Alias of the image the problem belongs to, when it belongs to one. */
  readonly image?: string;
  /** 1-based line in the file the problem is in, for file formats (`registries.conf`). */
  readonly line?: number;
}

/** A parsed value with the problems met on the way. `value` is absent when the input could not be used at all. */
export interface ParseResult<T> {
  readonly value?: T;
  readonly diagnostics: readonly Diagnostic[];
}

/** True when `diagnostics` hold at least one `error`. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
