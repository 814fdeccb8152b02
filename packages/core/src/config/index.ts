export { type Diagnostic, type DiagnosticSeverity, hasErrors, type ParseResult } from "./diagnostic.js";
