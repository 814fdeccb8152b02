/** Text-level helpers for surgical YAML edits: splices, line endings, indentation and scalar spelling. */
import type { Scalar } from "yaml";

/** Replace `text[start, end)` with `text`. An insertion has `start === end`. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies splices in source order; insertions at one offset keep their given order. Overlaps are a bug. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const ordered = splices.map((splice, index) => ({ splice, index }));
  ordered.sort((a, b) => a.splice.start - b.splice.start || a.index - b.index);
  let out = "";
  let cursor = 0;
  for (const { splice } of ordered) {
    if (splice.start < cursor) throw new Error(`overlapping YAML splices at ${splice.start}`);
    out += text.slice(cursor, splice.start) + splice.text;
    cursor = splice.end;
  }
  return out + text.slice(cursor);
}

/** The file's line ending: CRLF when its first line break is CRLF. */
export function lineEnding(text: string): string {
  const lf = text.indexOf("\n");
  return lf > 0 && text[lf - 1] === "\r" ? "\r\n" : "\n";
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset of the line break ending the line holding `offset` (before a `\r`), or the text length. */
export function lineEnd(text: string, offset: number): number {
  const lf = text.indexOf("\n", offset);
  if (lf < 0) return text.length;
  return text[lf - 1] === "\r" ? lf - 1 : lf;
}

/** 0-based column of `offset`. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

const NUMBER_LIKE =
  /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|\.\d[\d_]*(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN|\d+(?::[0-5]?\d)+(?:\.\d*)?)$/;
const KEYWORD =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|=|<<)$/;
const PLAIN_SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_./@:+=-]*$/;

/**
 * True when `value` can be written unquoted and reads back as the same string under both YAML 1.1 (Go,
 * kustomize, Helm) and YAML 1.2: no numbers (`1.20` would become 1.2), booleans (`on`, `yes`), nulls or
 * sexagesimals (`1:20`), no indicators, spaces or `: `/` #` sequences.
 */
export function isSafePlain(value: string): boolean {
  return PLAIN_SAFE.test(value) && !NUMBER_LIKE.test(value) && !KEYWORD.test(value) && !value.endsWith(":");
}

/** The backslash escapes YAML double-quoted scalars and Go's `strconv.Quote` both write. */
const COMMON_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '\\"'],
  ["\\", "\\\\"],
  ["\n", "\\n"],
  ["\t", "\\t"],
  ["\r", "\\r"],
]);

const NO_ESCAPES: ReadonlyMap<string, string> = new Map();

/**
 * `value` in double quotes: `"`, `\`, newline, tab, CR and the `named` escapes by name, other control
 * characters as `\xNN`, everything else as is.
 */
export function escapedQuoted(value: string, named: ReadonlyMap<string, string> = NO_ESCAPES): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    const byName = COMMON_ESCAPES.get(ch) ?? named.get(ch);
    if (byName !== undefined) out += byName;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A YAML double-quoted scalar for `value`. */
export function doubleQuoted(value: string): string {
  return escapedQuoted(value);
}

/** Spelling of `value` in the style of the scalar it replaces (plain stays plain when safe, quotes stay). */
export function renderScalar(value: string, style?: Scalar["type"]): string {
  if (style === "QUOTE_SINGLE") return `'${value.replaceAll("'", "''")}'`;
  if (style === "QUOTE_DOUBLE") return doubleQuoted(value);
  return isSafePlain(value) ? value : doubleQuoted(value);
}

/** A scalar's value as the file spells it (`1.10` stays `1.10`, not the number 1.1). */
export function scalarText(node: Scalar): string {
  if (typeof node.value === "string") return node.value;
  if (node.value === null || node.value === undefined) return "";
  if (typeof node.source === "string" && node.type === "PLAIN") return node.source;
  return String(node.value);
}
