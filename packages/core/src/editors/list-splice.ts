/**
 * Sets a YAML list item by item, in place: an item whose key is already there has only its changed scalars
 * replaced (quoting kept), a new item is appended in the list's own indentation, and every other byte (comments,
 * quotes, other items) stays. For lists such as an Application's `kustomize.images` or `helm.parameters`, which
 * the `argocd` write-back updates by key.
 */
import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from "yaml";
import { plainValue } from "./parsed-files.js";
import {
  addItem,
  addPair,
  findPair,
  indentStyle,
  type NewValue,
  parseYaml,
  replaceScalar,
  resolve,
} from "./yaml-doc.js";
import { applySplices, type Splice } from "./yaml-text.js";

/** An item of the list to set: a string, or a map of strings and booleans. */
export type ListItem = string | { readonly [field: string]: string | boolean };

/**
 * `text` with the list at `path` of document `documentIndex` holding `items`: each item replaces the existing
 * one of the same key (`keyOf`) or is appended; existing items no key names are kept. Returns `text` itself when
 * nothing differs, or `null` when there is no such list to edit in place (absent, empty, or not a sequence):
 * the caller then writes the list whole.
 */
export function setListInPlace(
  text: string,
  documentIndex: number,
  path: readonly (string | number)[],
  items: readonly ListItem[],
  keyOf: (item: unknown) => string,
): string | null {
  const file = parseYaml(text).file;
  const doc = file?.docs[documentIndex];
  if (file === undefined || doc === undefined) return null;
  const seq = resolve(doc, doc.getIn(path, true));
  if (!isSeq(seq) || seq.items.length === 0 || seq.range === undefined || seq.range === null) return null;
  const style = indentStyle(file);
  // New lines take the list's own line ending (a file may mix them, as a hand-joined manifest does).
  const eol = text.slice(seq.range[0], seq.range[2]).includes("\r\n") ? "\r\n" : "\n";
  const inserted = (splice: Splice): Splice => ({ ...splice, text: splice.text.replace(/\r?\n/g, eol) });
  const existing = seq.items.map((item) => ({ node: resolve(doc, item), key: keyOf(plainValue(doc, item)) }));
  const splices: Splice[] = [];
  for (const item of items) {
    const found = existing.find((entry) => entry.key === keyOf(item));
    if (found === undefined) {
      splices.push(inserted(addItem(file, seq, item as NewValue, style)));
      continue;
    }
    if (typeof item === "string") {
      if (!isScalar(found.node)) return null;
      const splice = replaceScalar(found.node as Scalar, item);
      if (splice !== null) splices.push(splice);
      continue;
    }
    if (!isMap(found.node) || found.node.flow) return null;
    const map = found.node as YAMLMap;
    for (const [field, value] of Object.entries(item)) {
      const pair = findPair(map, field);
      const node = resolve(doc, pair?.value);
      if (pair === undefined) splices.push(inserted(addPair(file, map, field, value, style)));
      else if (!isScalar(node)) return null;
      else if (typeof value === "boolean") {
        // Booleans are written bare: a quoted `"true"` would be a string to Argo CD.
        const range = node.range as [number, number, number];
        if (node.value !== value) splices.push({ start: range[0], end: range[1], text: String(value) });
      } else {
        const splice = replaceScalar(node as Scalar, value);
        if (splice !== null) splices.push(splice);
      }
    }
  }
  return splices.length === 0 ? text : applySplices(text, splices);
}
