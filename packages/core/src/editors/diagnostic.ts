/**
 * Editor diagnostics share the shape of core's config diagnostics: severity, the place (file and YAML path),
 * and a message that says what to write instead.
 */

/** How bad a problem is. */
export type EditSeverity = "error" | "warning" | "info";

/** One problem met while editing a file. */
export interface EditDiagnostic {
  readonly severity: EditSeverity;
  /** `<file>` or `<file>:<yaml path>`, e.g. `values.yaml:image.tag`. */
  readonly key: string;
  readonly message: string;
  /** Alias (or name) of the image the problem belongs to. */
  readonly image?: string;
}

/** Builds a diagnostic. */
export function editDiagnostic(severity: EditSeverity, key: string, message: string, image?: string): EditDiagnostic {
  return image === undefined ? { severity, key, message } : { severity, key, message, image };
}
