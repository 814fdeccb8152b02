import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import {
  MAX_DOCUMENTS_PER_FILE,
  MAX_MANIFEST_FILE_BYTES,
  MAX_YAML_ALIASES,
  MAX_YAML_DEPTH,
  MAX_YAML_KEY_LENGTH,
  runSteps,
  runStepsSliced,
} from "@image-updater/core";
import { Composer, type Document, isMap, isScalar, isSeq, Lexer, LineCounter, type Node, Parser } from "yaml";
import type { DirectoryWarning } from "./warnings.js";

// The YAML limits are core's, shared with the GitOps editors; re-exported here for this package's readers.
export {
  MAX_DOCUMENTS_PER_FILE,
  MAX_MANIFEST_FILE_BYTES,
  MAX_YAML_ALIASES,
  MAX_YAML_DEPTH,
  MAX_YAML_KEY_LENGTH,
} from "@image-updater/core";

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
  /** Files larger than this are reported and skipped, unread. @default {@link MAX_MANIFEST_FILE_BYTES} */
  readonly maxFileBytes?: number;
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
      const size = (await stat(path)).size;
      const limit = options.maxFileBytes ?? MAX_MANIFEST_FILE_BYTES;
      if (size > limit) {
        warnings.push({
          file,
          message: `the file is ${size} bytes, over the ${limit}-byte limit for manifests; it is skipped (split it, or move what is not a manifest out of the folder)`,
        });
        continue;
      }
      text = await readFile(path, "utf8");
    } catch (error) {
      warnings.push({ file, message: `cannot read the file (${errorCode(error)}); check its permissions` });
      continue;
    }
    const parsed = await parseManifestTextAsync(text, file, options);
    documents.push(...parsed.documents);
    warnings.push(...parsed.warnings);
  }
  return { documents, warnings, directories };
}

/** The documents of one manifest file, and the warnings met reading it. */
export interface ParsedManifest {
  readonly documents: ManifestDocument[];
  readonly warnings: DirectoryWarning[];
}

/** Parses a multi-document YAML text. Never throws. Blocks until done: prefer {@link parseManifestTextAsync}. */
export function parseManifestText(text: string, file: string, options: ScanOptions = {}): ParsedManifest {
  return runSteps(parseSteps(text, file, options));
}

/**
 * As {@link parseManifestText}, giving the event loop a turn every few milliseconds, so a file of a thousand
 * documents does not hold back timers and `/healthz` while it is parsed. Never rejects.
 */
export function parseManifestTextAsync(text: string, file: string, options: ScanOptions = {}): Promise<ParsedManifest> {
  return runStepsSliced(parseSteps(text, file, options));
}

/** The parse, one document per step, so the sync and the async reader share every rule and limit. */
function* parseSteps(text: string, file: string, options: ScanOptions): Generator<void, ParsedManifest, void> {
  const documents: ManifestDocument[] = [];
  const warnings: DirectoryWarning[] = [];
  const lineCounter = new LineCounter();
  const depth = yield* flowDepth(text);
  if (depth > MAX_YAML_DEPTH) {
    warnings.push({ file, message: `nesting deeper than ${MAX_YAML_DEPTH} levels; the file is ignored` });
    return { documents, warnings };
  }
  const docs: Document.Parsed[] = [];
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  for (const doc of composer.compose(new Parser(lineCounter.addNewLine).parse(text))) {
    if (docs.length === MAX_DOCUMENTS_PER_FILE) {
      warnings.push({
        file,
        message: `more than ${MAX_DOCUMENTS_PER_FILE} documents; the ones after document ${MAX_DOCUMENTS_PER_FILE - 1} are ignored (split the file)`,
      });
      break;
    }
    docs.push(doc);
    yield;
  }
  for (const [index, doc] of docs.entries()) {
    yield;
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
    const problem = structureProblem(doc);
    if (problem !== undefined) {
      warnings.push({ file, document: index, line, message: `${problem}; this document is ignored` });
      continue;
    }
    try {
      documents.push({ file, index, line, data: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) });
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

/**
 * Deepest nesting of flow collections (`[`, `{`), counted on the lexer's tokens so brackets inside quoted
 * strings do not count. The composer needs time superlinear in this depth; checking it first keeps a file of
 * ten thousand `[` from blocking the process.
 */
function* flowDepth(text: string): Generator<void, number, void> {
  // Most files hold fewer brackets than the limit: no need to lex them twice.
  let brackets = 0;
  for (let i = 0; i < text.length && brackets <= MAX_YAML_DEPTH; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5b || code === 0x7b) brackets++;
  }
  if (brackets <= MAX_YAML_DEPTH) return brackets;
  let depth = 0;
  let deepest = 0;
  let tokens = 0;
  for (const token of new Lexer().lex(text)) {
    if (++tokens % 1000 === 0) yield;
    if (token === "[" || token === "{") deepest = Math.max(deepest, ++depth);
    else if (token === "]" || token === "}") depth = Math.max(0, depth - 1);
    if (deepest > MAX_YAML_DEPTH) break;
  }
  return deepest;
}

/** Nesting or a key beyond the limits, found without recursion (a deep document cannot blow the stack). */
function structureProblem(doc: Document): string | undefined {
  const stack: [Node | null | undefined, number][] = [[doc.contents as Node | null, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_YAML_DEPTH) return `nesting deeper than ${MAX_YAML_DEPTH} levels`;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && String(key.value).length > MAX_YAML_KEY_LENGTH) {
          return `a mapping key of ${String(key.value).length} characters, over the limit of ${MAX_YAML_KEY_LENGTH}`;
        }
        stack.push([pair.value as Node | null, depth + 1]);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push([item as Node | null, depth + 1]);
    }
  }
  return undefined;
}

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown error";
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown error";
}
