/**
 * One YAML parse per file for everything that reads an application's files: the documents with source ranges
 * (what the editors walk) and plain data with every scalar as written (`1.20` stays the string `1.20`, as
 * argocd-image-updater reads tags), both from the same parse and the same options.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Scalar } from "yaml";
import type { Diagnostic } from "../config/diagnostic.js";
import { overLimitDiagnostic } from "./edit-runner.js";
import { parseYaml, parseYamlSliced, type YamlFile } from "./yaml-doc.js";
import { scalarText } from "./yaml-text.js";

/** A parse cache over file texts, shared by the readers of one application. */
export interface ParsedFiles {
  /** The parsed file; `undefined` when it is not valid YAML or is over the document limit. */
  parse(text: string): YamlFile | undefined;
  /**
   * Parses `text` (the file at `path`) in slices that give the event loop a turn, so the next {@link parse}
   * of it is a lookup. A file over a parse limit is recorded in {@link refused}.
   */
  load(text: string, path: string): Promise<void>;
  /** Errors naming each loaded file that is over a parse limit (read as holding nothing). */
  refused(): readonly Diagnostic[];
  /** Plain data of each document (scalars as written strings); empty when the text is not valid YAML. */
  data(text: string): readonly unknown[];
}

/** A fresh cache (one per application read, so nothing outlives what it describes). */
export function createParsedFiles(): ParsedFiles {
  const files = new Map<string, YamlFile | undefined>();
  const plain = new Map<string, readonly unknown[]>();
  const refused: Diagnostic[] = [];
  const parse = (text: string): YamlFile | undefined => {
    if (!files.has(text)) files.set(text, parseYaml(text).file);
    return files.get(text);
  };
  return {
    parse,
    async load(text, path) {
      if (files.has(text)) return;
      const parsed = await parseYamlSliced(text);
      if (parsed.overLimit) refused.push(overLimitDiagnostic(path, parsed));
      files.set(text, parsed.file);
    },
    refused: () => refused,
    data(text) {
      let found = plain.get(text);
      if (found === undefined) {
        found = parse(text)?.docs.map((doc) => plainValue(doc, doc.contents)) ?? [];
        plain.set(text, found);
      }
      return found;
    },
  };
}

/** Plain data of `node`: maps and sequences as objects and arrays, scalars as the text written. */
export function plainValue(doc: Document.Parsed, node: unknown, depth = 0): unknown {
  // Aliases are followed one level deep at a time; a cap keeps a self-referencing file finite.
  if (depth > 64) return undefined;
  const resolved = isAlias(node) ? node.resolve(doc) : node;
  if (isScalar(resolved)) return resolved.value === null ? null : scalarText(resolved as Scalar);
  if (isSeq(resolved)) return resolved.items.map((item) => plainValue(doc, item, depth + 1));
  if (isMap(resolved)) {
    const out: Record<string, unknown> = {};
    for (const pair of resolved.items) {
      const key = isScalar(pair.key) ? scalarText(pair.key as Scalar) : String(pair.key);
      out[key] = plainValue(doc, pair.value, depth + 1);
    }
    return out;
  }
  return undefined;
}
