/** Editor diagnostics are core's diagnostics: `key` is `<file>` or `<file>:<yaml path>`. */
import type { Diagnostic, DiagnosticSeverity } from "../config/diagnostic.js";

/** Builds a diagnostic about a file (`key` = `<file>` or `<file>:<yaml path>`). */
export function editDiagnostic(severity: DiagnosticSeverity, key: string, message: string, image?: string): Diagnostic {
  return image === undefined ? { severity, key, message } : { severity, key, message, image };
}
