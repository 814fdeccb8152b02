import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import type { DirectoryWarning } from "./warnings.js";

/** One YAML document of a manifest file, parsed to plain data. */
export interface ManifestDocument {
  /** File path relative to the scanned directory, `/` separators. */
  readonly file: string;
  /** 0-based index of the document in its file. */
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  /** Plain data of the document (`toJS()`), `null` for an empty document. */
  readonly data: unknown;
}

/** Every document of every manifest file, plus the warnings met on the way. */
export interface ManifestScan {
  readonly documents: readonly ManifestDocument[];
  readonly warnings: readonly DirectoryWarning[];
  /** Directories visited (absolute), for watchers. */
  readonly directories: readonly string[];
}

/** Options of {@link scanManifests}. */
export interface ScanOptions {
  /**
   * Leave YAML error messages out of warnings and report only the error code and position. For folders
   * that hold Secrets, whose parser messages could quote a value.
   */
  readonly redactMessages?: boolean;
}

const MANIFEST_EXTENSIONS = [".yaml", ".yml"];

/** Lists `.yaml`/`.yml` files under `dir` recursively, sorted, skipping hidden entries (`.git`, `..data`). */
export async function listManifestFiles(dir: string): Promise<{ files: string[]; directories: string[] }> {
  const files: string[] = [];
  const directories: string[] = [];
  async function visit(current: string): Promise<void> {
    directories.push(current);
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        await visit(path);
      } else if (
        (entry.isFile() || entry.isSymbolicLink()) &&
        MANIFEST_EXTENSIONS.some((e) => entry.name.endsWith(e))
      ) {
        files.push(path);
      }
    }
  }
  await visit(dir);
  files.sort();
  return { files, directories };
}

/** `dir`-relative path with `/` separators. */
export function relativeManifestPath(dir: string, file: string): string {
  return relative(dir, file).split(sep).join("/");
}

/**
 * Reads every manifest under `dir`. A file that cannot be read or parsed yields a warning and no documents;
 * a broken document yields a warning and the file's other documents still load. Rejects only when `dir`
 * itself cannot be listed.
 */
export async function scanManifests(dir: string, options: ScanOptions = {}): Promise<ManifestScan> {
  const { files, directories } = await listManifestFiles(dir);
  const documents: ManifestDocument[] = [];
  const warnings: DirectoryWarning[] = [];
  for (const path of files) {
    const file = relativeManifestPath(dir, path);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      warnings.push({ file, message: `cannot read the file (${errorCode(error)}); check its permissions` });
      continue;
    }
    const parsed = parseManifestText(text, file, options);
    documents.push(...parsed.documents);
    warnings.push(...parsed.warnings);
  }
  return { documents, warnings, directories };
}

/** Parses a multi-document YAML text. Never throws. */
export function parseManifestText(
  text: string,
  file: string,
  options: ScanOptions = {},
): { documents: ManifestDocument[]; warnings: DirectoryWarning[] } {
  const documents: ManifestDocument[] = [];
  const warnings: DirectoryWarning[] = [];
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const [index, doc] of docs.entries()) {
    const line = lineCounter.linePos(doc.range[0]).line;
    const [firstError] = doc.errors;
    if (firstError) {
      const at = lineCounter.linePos(firstError.pos[0]);
      const detail = options.redactMessages ? firstError.code : `${firstError.message} (${firstError.code})`;
      warnings.push({
        file,
        document: index,
        line: at.line,
        message: `invalid YAML at line ${at.line}, column ${at.col}: ${detail}; fix the syntax, this document is ignored`,
      });
      continue;
    }
    try {
      documents.push({ file, index, line, data: doc.toJS({ maxAliasCount: 100 }) });
    } catch (error) {
      warnings.push({
        file,
        document: index,
        line,
        message: `cannot read the document (${errorName(error)}); it is ignored`,
      });
    }
  }
  return { documents, warnings };
}

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown error";
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown error";
}
