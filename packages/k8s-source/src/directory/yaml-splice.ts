import { type Document, isCollection, isMap, isSeq, type Node, parseAllDocuments, stringify } from "yaml";

/**
 * Sets `path` to `value` inside document `index` of a multi-document YAML text, changing only the bytes of
 * that value. An existing block or flow value is replaced in place at its own indentation; a missing key is
 * appended to the deepest existing block mapping. Only when neither is possible (a flow or empty parent) is
 * that one document re-serialised. Other documents always stay byte-identical. Returns `null` when the
 * document or path cannot be found.
 */
export function spliceYamlValue(
  text: string,
  index: number,
  path: readonly (string | number)[],
  value: unknown,
): string | null {
  const doc = parseAllDocuments(text)[index] as Document.Parsed | undefined;
  if (!doc?.contents) return null;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const existing = doc.getIn(path, true) as Node | undefined;
  if (existing && isCollection(existing) && existing.range) {
    const [start, valueEnd] = existing.range;
    const padded = text[start + 1] === " ";
    const rendered = render(value, existing.flow === true, columnOf(text, start), eol, padded);
    const end = existing.flow ? valueEnd : trimTrailingNewline(text, start, valueEnd);
    return text.slice(0, start) + rendered + text.slice(end);
  }
  // Deepest existing ancestor of `path`.
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = depth === 0 ? doc.contents : (doc.getIn(path.slice(0, depth), true) as Node | undefined);
    if (!parent) continue;
    if (isMap(parent) && !parent.flow && parent.items.length > 0 && parent.range) {
      const nested = path.slice(depth).reduceRight<unknown>((inner, key) => ({ [String(key)]: inner }), value);
      const indent = " ".repeat(columnOf(text, parent.range[0]));
      const end = trimTrailingNewline(text, parent.range[0], parent.range[1]);
      const block = render(nested, false, indent.length, eol);
      return `${text.slice(0, end)}${eol}${indent}${block}${text.slice(end)}`;
    }
    break;
  }
  return rewriteDocument(text, doc, path, value);
}

/** Fallback: re-serialise the one document (comments survive; spacing may not). */
function rewriteDocument(
  text: string,
  doc: Document.Parsed,
  path: readonly (string | number)[],
  value: unknown,
): string | null {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (parent && !isMap(parent) && !isSeq(parent)) return null;
  doc.setIn(path, doc.createNode(value));
  const [start, , end] = doc.range;
  const hadMarker = text.slice(start, start + 3) === "---";
  let rendered = doc.toString();
  if (!hadMarker && rendered.startsWith("---\n")) rendered = rendered.slice(4);
  return text.slice(0, start) + rendered + text.slice(end);
}

/** YAML for `value`; block lines after the first are indented to `column`, no trailing newline. */
function render(value: unknown, flow: boolean, column: number, eol: string, padded = true): string {
  const text = stringify(value, {
    collectionStyle: flow ? "flow" : "block",
    flowCollectionPadding: padded,
    lineWidth: 0,
  }).replace(/\n$/, "");
  if (flow) return text;
  const indent = " ".repeat(column);
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? line : indent + line))
    .join(eol);
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** Block nodes' ranges include their final newline; the splice keeps it from the original text. */
function trimTrailingNewline(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && (text[e - 1] === "\n" || text[e - 1] === "\r")) e--;
  return e;
}
