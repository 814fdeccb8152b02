/**
 * Structural YAML edits that touch only the bytes that change: parse with source ranges (`yaml`'s Document
 * API), then splice a scalar, or insert new keys and sequence items with the file's own indentation,
 * sequence style and line endings. Nothing is ever re-stringified.
 */
import {
  Composer,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  Parser,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { MAX_DOCUMENTS_PER_FILE } from "../yaml/limits.js";
import { type ParseSteps, runSteps, runStepsSliced } from "../yaml/sliced.js";
import { columnOf, lineEnd, lineEnding, renderScalar, type Splice, scalarText } from "./yaml-text.js";

/** A parsed multi-document file. */
export interface YamlFile {
  readonly text: string;
  readonly docs: readonly Document.Parsed[];
}

/** Outcome of a parse: the file, or why it is not one (`overLimit` when it holds too many documents). */
export interface YamlParse {
  readonly file?: YamlFile;
  readonly error?: string;
  readonly overLimit?: boolean;
}

/** Parses every document of `text`; `error` says why the file is not valid YAML or is over the limits. */
export function parseYaml(text: string): YamlParse {
  return runSteps(parseSteps(text));
}

/** As {@link parseYaml}, giving the event loop a turn every few milliseconds (for a file just read). */
export function parseYamlSliced(text: string): Promise<YamlParse> {
  return runStepsSliced(parseSteps(text));
}

/** Documents one at a time (the composer is lazy), so a file past the document limit is never parsed whole. */
function* parseSteps(text: string): ParseSteps<YamlParse> {
  const docs: Document.Parsed[] = [];
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
  for (const doc of composer.compose(new Parser().parse(text))) {
    if (docs.length === MAX_DOCUMENTS_PER_FILE) {
      return {
        error: `more than ${MAX_DOCUMENTS_PER_FILE} documents, the limit per file`,
        overLimit: true,
      };
    }
    const first = doc.errors[0];
    if (first !== undefined) return { error: first.message.split("\n")[0] as string };
    docs.push(doc);
    yield;
  }
  return { file: { text, docs } };
}

/** Follows an alias to its anchored node (one level, as argocd-image-updater does). */
export function resolve(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The pair of `map` whose key is the string `key`. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && scalarText(pair.key as Scalar) === key);
}

/** How the file indents: the width of one level and whether `- ` items are indented under their key. */
export interface IndentStyle {
  readonly unit: number;
  readonly indentedSequences: boolean;
}

/** Learns the file's indentation from its first nested map and first block sequence under a key. */
export function indentStyle(file: YamlFile, fallbackIndentedSequences = false): IndentStyle {
  let unit: number | undefined;
  let indentedSequences: boolean | undefined;
  const visitNode = (node: unknown, column: number): void => {
    if (unit !== undefined && indentedSequences !== undefined) return;
    if (isMap(node) && !node.flow) {
      for (const pair of node.items) {
        const value = pair.value as Node | null;
        if (isMap(value) && !value.flow && value.range && value.items[0]?.key) {
          const keyColumn = columnOf(file.text, (value.items[0].key as Scalar).range?.[0] ?? 0);
          if (unit === undefined && keyColumn > column) unit = keyColumn - column;
        }
        if (isSeq(value) && !value.flow && value.range && indentedSequences === undefined) {
          indentedSequences = columnOf(file.text, value.range[0]) > column;
        }
        const keyStart = (pair.key as Scalar | null)?.range?.[0];
        if (value !== null && keyStart !== undefined) visitNode(value, childColumn(file.text, value, column));
      }
    } else if (isSeq(node) && !node.flow) {
      for (const item of node.items) visitNode(item, childColumn(file.text, item, column));
    }
  };
  for (const doc of file.docs) visitNode(doc.contents, 0);
  return { unit: unit ?? 2, indentedSequences: indentedSequences ?? fallbackIndentedSequences };
}

function childColumn(text: string, node: unknown, fallback: number): number {
  if (isMap(node) && node.items[0]?.key && (node.items[0].key as Scalar).range) {
    return columnOf(text, ((node.items[0].key as Scalar).range as [number, number, number])[0]);
  }
  const range = (node as Node | null)?.range;
  return range ? columnOf(text, range[0]) : fallback;
}

/** A value to write as new YAML: a string scalar, a boolean, a map or a list. */
export type NewValue = string | boolean | { readonly [key: string]: NewValue } | readonly NewValue[];

function renderLeaf(value: string | boolean): string {
  return typeof value === "boolean" ? String(value) : renderScalar(value);
}

/** Block lines for `key: value` at `column` (no line endings). */
export function entryLines(key: string, value: NewValue, column: number, style: IndentStyle): string[] {
  const pad = " ".repeat(column);
  const renderedKey = renderScalar(key);
  if (typeof value === "string" || typeof value === "boolean") return [`${pad}${renderedKey}: ${renderLeaf(value)}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}${renderedKey}: []`];
    const itemColumn = column + (style.indentedSequences ? style.unit : 0);
    return [
      `${pad}${renderedKey}:`,
      ...(value as readonly NewValue[]).flatMap((item) => itemLines(item, itemColumn, style)),
    ];
  }
  const entries = Object.entries(value as Record<string, NewValue>);
  if (entries.length === 0) return [`${pad}${renderedKey}: {}`];
  return [`${pad}${renderedKey}:`, ...entries.flatMap(([k, v]) => entryLines(k, v, column + style.unit, style))];
}

/** Block lines for one `- item` at `column`. */
export function itemLines(value: NewValue, column: number, style: IndentStyle): string[] {
  const pad = " ".repeat(column);
  if (typeof value === "string" || typeof value === "boolean") return [`${pad}- ${renderLeaf(value)}`];
  if (Array.isArray(value)) {
    return [`${pad}-`, ...(value as readonly NewValue[]).flatMap((item) => itemLines(item, column + 2, style))];
  }
  const lines = Object.entries(value as Record<string, NewValue>).flatMap(([k, v]) =>
    entryLines(k, v, column + 2, style),
  );
  if (lines.length === 0) return [`${pad}- {}`];
  return [`${pad}- ${(lines[0] as string).slice(column + 2)}`, ...lines.slice(1)];
}

/** Flow text for a value inside `{…}` or `[…]`. */
export function flowText(value: NewValue): string {
  if (typeof value === "string" || typeof value === "boolean") return renderLeaf(value);
  if (Array.isArray(value)) return `[${(value as readonly NewValue[]).map(flowText).join(", ")}]`;
  return `{${Object.entries(value as Record<string, NewValue>)
    .map(([k, v]) => `${renderScalar(k)}: ${flowText(v)}`)
    .join(", ")}}`;
}

/** The scalar of `field` in `map`, through an alias when it is one (single-document file). */
export function fieldScalar(file: YamlFile, map: YAMLMap, field: string): Scalar | undefined {
  const value = resolve(file.docs[0] as YamlFile["docs"][number], findPair(map, field)?.value);
  return isScalar(value) ? (value as Scalar) : undefined;
}

/** Splice replacing a scalar's value, keeping its quoting style; `null` when it already holds `value`. */
export function replaceScalar(node: Scalar, value: string): Splice | null {
  if (scalarText(node) === value && node.value !== null) return null;
  const range = node.range as [number, number, number];
  return { start: range[0], end: range[1], text: renderScalar(value, node.type) };
}

/** Where and how to insert whole lines at the end of a block collection whose range ends at `end`. */
function insertLines(text: string, end: number, lines: readonly string[]): Splice {
  const eol = lineEnding(text);
  // A block collection's range ends after the line break of its last line, or at a final line without one.
  if (end > 0 && text[end - 1] !== "\n") return { start: end, end, text: eol + lines.join(eol) };
  return { start: end, end, text: lines.join(eol) + eol };
}

/** Splice appending a top-level `key: value` at the end of the file (after a line break it lacks). */
export function appendTopLevel(file: YamlFile, key: string, value: NewValue, style: IndentStyle): Splice {
  const eol = lineEnding(file.text);
  const lines = entryLines(key, value, 0, style);
  const lead = file.text === "" || file.text.endsWith("\n") ? "" : eol;
  return { start: file.text.length, end: file.text.length, text: lead + lines.join(eol) + eol };
}

/** Splice adding `key: value` to `map` (block or flow), in the map's own indentation. */
export function addPair(file: YamlFile, map: YAMLMap, key: string, value: NewValue, style: IndentStyle): Splice {
  const range = map.range as [number, number, number];
  if (map.flow) {
    const close = file.text.lastIndexOf("}", range[1]);
    const separator = map.items.length > 0 ? ", " : "";
    return { start: close, end: close, text: `${separator}${renderScalar(key)}: ${flowText(value)}` };
  }
  const firstKey = map.items[0]?.key as Scalar | undefined;
  const column = firstKey?.range ? columnOf(file.text, firstKey.range[0]) : 0;
  return insertLines(file.text, range[1], entryLines(key, value, column, style));
}

/** Splice appending an item to `seq` (block or flow), in the sequence's own indentation. */
export function addItem(file: YamlFile, seq: YAMLSeq, value: NewValue, style: IndentStyle): Splice {
  const range = seq.range as [number, number, number];
  if (seq.flow) {
    const close = file.text.lastIndexOf("]", range[1]);
    const separator = seq.items.length > 0 ? ", " : "";
    return { start: close, end: close, text: separator + flowText(value) };
  }
  return insertLines(file.text, range[1], itemLines(value, columnOf(file.text, range[0]), style));
}

/**
 * Splices giving an empty value (`key:` or `key: ~`) a new value: a scalar in place, or a block written on the
 * following lines one level deeper than the key (`keyColumn`). A comment on the key's line stays there.
 */
export function fillEmpty(
  file: YamlFile,
  empty: Scalar,
  value: NewValue,
  keyColumn: number,
  style: IndentStyle,
): Splice[] {
  const { text } = file;
  const eol = lineEnding(text);
  const range = empty.range as [number, number, number];
  if (typeof value === "string" || typeof value === "boolean") {
    if (range[1] > range[0]) return [{ start: range[0], end: range[1], text: renderLeaf(value) }];
    const spaced = text[range[0] - 1] === " " ? "" : " ";
    return [{ start: range[0], end: range[0], text: spaced + renderLeaf(value) }];
  }
  const lines = Array.isArray(value)
    ? (value as readonly NewValue[]).flatMap((item) =>
        itemLines(item, keyColumn + (style.indentedSequences ? style.unit : 0), style),
      )
    : Object.entries(value as Record<string, NewValue>).flatMap(([k, v]) =>
        entryLines(k, v, keyColumn + style.unit, style),
      );
  const at = lineEnd(text, range[1]);
  const block = eol + lines.join(eol);
  if (text.slice(range[1], at).trim() === "") {
    // Nothing but the empty value up to the line end: drop it (and the spaces before it).
    let from = range[0];
    while (from > 0 && text[from - 1] === " ") from--;
    return [{ start: from, end: at, text: block }];
  }
  const splices: Splice[] = [];
  if (range[1] > range[0]) splices.push({ start: range[0], end: range[1], text: "" });
  splices.push({ start: at, end: at, text: block });
  return splices;
}

/** True for a missing value: `key:` or `key: ~` / `null`. */
export function isEmptyValue(node: unknown): node is Scalar {
  return isScalar(node) && node.value === null;
}

/** Splice removing `pair` from `map`, taking its whole line when it has one to itself. */
export function removePair(file: YamlFile, map: YAMLMap, pair: Pair): Splice {
  const { text } = file;
  const index = map.items.indexOf(pair);
  const keyStart = ((pair.key as Node).range as [number, number, number])[0];
  const value = pair.value as Node | null;
  const valueEnd = value?.range ? value.range[2] : ((pair.key as Node).range as [number, number, number])[2];
  const next = map.items[index + 1];
  const nextKeyStart = next ? ((next.key as Node).range as [number, number, number])[0] : undefined;
  if (map.flow) {
    if (nextKeyStart !== undefined) return { start: keyStart, end: nextKeyStart, text: "" };
    const previous = map.items[index - 1];
    const previousEnd = previous
      ? ((previous.value as Node | null)?.range ?? (previous.key as Node).range ?? [keyStart, keyStart, keyStart])[1]
      : keyStart;
    return { start: previousEnd, end: valueEnd, text: "" };
  }
  const start = lineStartOf(text, keyStart);
  const ownsLine = text.slice(start, keyStart).trim() === "";
  if (!ownsLine && nextKeyStart !== undefined) {
    // `- key: v` opening a sequence item: pull the next key up onto the `- ` line.
    return { start: keyStart, end: nextKeyStart, text: "" };
  }
  const end = nextLineStart(text, Math.max(valueEnd - 1, keyStart));
  return { start: ownsLine ? start : keyStart, end, text: "" };
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function nextLineStart(text: string, offset: number): number {
  const lf = text.indexOf("\n", offset);
  return lf < 0 ? text.length : lf + 1;
}
