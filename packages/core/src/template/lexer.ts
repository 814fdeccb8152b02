/**
 * Splits a template into text and action items, the way Go's `text/template` lexer does: `{{`/`}}`
 * delimiters, `{{- ` / ` -}}` trim markers, `{{/* comments *\/}}`, and the tokens inside actions.
 */
import { TemplateSyntaxError } from "./position.js";

/** A token inside an action. */
export interface Token {
  readonly kind:
    | "field"
    | "dot"
    | "variable"
    | "identifier"
    | "string"
    | "number"
    | "lparen"
    | "rparen"
    | "pipe"
    | "declare"
    | "assign"
    | "comma";
  readonly pos: number;
  /** Field or variable name without its `.`/`$`, identifier text, or the raw token. */
  readonly text: string;
  /** Decoded value of string, char and number literals. */
  readonly value?: unknown;
  /** Whitespace separates this token from the previous one (`.A.B` is one chain, `.A .B` two arguments). */
  readonly spaced: boolean;
}

/** Text between actions, or one action's tokens. */
export type Item =
  | { readonly kind: "text"; readonly pos: number; readonly text: string }
  | { readonly kind: "action"; readonly pos: number; readonly tokens: readonly Token[] };

const SPACE = new Set([" ", "\t", "\r", "\n"]);

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && SPACE.has(ch);
}

function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && /^[\p{L}\p{Nd}_]$/u.test(ch);
}

function trimLeadingSpace(text: string): string {
  let i = 0;
  while (isSpace(text[i])) i++;
  return text.slice(i);
}

function trimTrailingSpace(text: string): string {
  let i = text.length;
  while (i > 0 && isSpace(text[i - 1])) i--;
  return text.slice(0, i);
}

/** True at ` -}}` (a space, a dash, the closing delimiter). */
function atRightTrim(src: string, p: number): boolean {
  return isSpace(src[p]) && src[p + 1] === "-" && src.startsWith("}}", p + 2);
}

/** Lexes `src` into items. Throws {@link TemplateSyntaxError} on malformed input. */
export function lex(src: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= src.length) {
    const open = src.indexOf("{{", pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    let textPos = pos;
    if (trimNext) {
      const trimmed = trimLeadingSpace(text);
      textPos += text.length - trimmed.length;
      text = trimmed;
    }
    if (open < 0) {
      if (text !== "") items.push({ kind: "text", pos: textPos, text });
      break;
    }
    let p = open + 2;
    if (src[p] === "-" && isSpace(src[p + 1])) {
      text = trimTrailingSpace(text);
      p += 2;
    }
    if (text !== "") items.push({ kind: "text", pos: textPos, text });
    if (src.startsWith("/*", p)) {
      const close = src.indexOf("*/", p + 2);
      if (close < 0) throw new TemplateSyntaxError("unclosed comment", open);
      const after = close + 2;
      if (src.startsWith("}}", after)) {
        trimNext = false;
        pos = after + 2;
      } else if (atRightTrim(src, after)) {
        trimNext = true;
        pos = after + 4;
      } else {
        throw new TemplateSyntaxError("comment ends before closing delimiter", open);
      }
      continue;
    }
    const result = lexAction(src, p, open);
    items.push({ kind: "action", pos: open, tokens: result.tokens });
    trimNext = result.trimRight;
    pos = result.end;
  }
  return items;
}

interface ActionResult {
  readonly tokens: Token[];
  readonly end: number;
  readonly trimRight: boolean;
}

const NUMBER =
  /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;

function lexAction(src: string, start: number, open: number): ActionResult {
  const tokens: Token[] = [];
  let p = start;
  let spaced = true;
  let depth = 0;
  for (;;) {
    if (p >= src.length) throw new TemplateSyntaxError("unclosed action", open);
    if (depth === 0 && atRightTrim(src, p)) return { tokens, end: p + 4, trimRight: true };
    if (depth === 0 && src.startsWith("}}", p)) return { tokens, end: p + 2, trimRight: false };
    const ch = src[p] as string;
    if (isSpace(ch)) {
      spaced = true;
      p++;
      continue;
    }
    const push = (kind: Token["kind"], text: string, length: number, value?: unknown): void => {
      tokens.push(value === undefined ? { kind, pos: p, text, spaced } : { kind, pos: p, text, value, spaced });
      p += length;
      spaced = false;
    };
    if (ch === "(") {
      depth++;
      push("lparen", ch, 1);
    } else if (ch === ")") {
      if (depth === 0) throw new TemplateSyntaxError("unexpected right paren", p);
      depth--;
      push("rparen", ch, 1);
    } else if (ch === "|") {
      push("pipe", ch, 1);
    } else if (ch === ",") {
      push("comma", ch, 1);
    } else if (ch === ":") {
      if (src[p + 1] !== "=") throw new TemplateSyntaxError('expected ":="', p);
      push("declare", ":=", 2);
    } else if (ch === "=") {
      push("assign", ch, 1);
    } else if (ch === '"') {
      const { value, length } = readQuoted(src, p);
      push("string", src.slice(p, p + length), length, value);
    } else if (ch === "`") {
      const close = src.indexOf("`", p + 1);
      if (close < 0) throw new TemplateSyntaxError("unterminated raw quoted string", p);
      push("string", src.slice(p, close + 1), close + 1 - p, src.slice(p + 1, close));
    } else if (ch === "'") {
      const { value, length } = readChar(src, p);
      push("number", src.slice(p, p + length), length, value);
    } else if (ch === "$") {
      let q = p + 1;
      while (isAlnum(src[q])) q++;
      push("variable", src.slice(p, q), q - p);
    } else if (ch === "." && isAlnum(src[p + 1]) && !/\d/.test(src[p + 1] as string)) {
      let q = p + 1;
      while (isAlnum(src[q])) q++;
      push("field", src.slice(p + 1, q), q - p);
    } else if (/[0-9+\-.]/.test(ch) && NUMBER.test(src.slice(p, p + 64))) {
      const match = NUMBER.exec(src.slice(p, p + 64)) as RegExpExecArray;
      const raw = match[0];
      if (isAlnum(src[p + raw.length])) throw new TemplateSyntaxError(`bad number syntax: "${raw}"`, p);
      const value = Number(raw.replaceAll("_", ""));
      if (Number.isNaN(value)) throw new TemplateSyntaxError(`bad number syntax: "${raw}"`, p);
      push("number", raw, raw.length, value);
    } else if (ch === ".") {
      push("dot", ch, 1);
    } else if (isAlnum(ch)) {
      let q = p;
      while (isAlnum(src[q])) q++;
      push("identifier", src.slice(p, q), q - p);
    } else {
      throw new TemplateSyntaxError(`unexpected ${JSON.stringify(ch)} in command`, p);
    }
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Reads one escape sequence starting after the backslash at `p`. */
function readEscape(src: string, p: number): { value: string; length: number } {
  const ch = src[p];
  if (ch !== undefined && ESCAPES[ch] !== undefined) return { value: ESCAPES[ch], length: 1 };
  const hexLength = ch === "x" ? 2 : ch === "u" ? 4 : ch === "U" ? 8 : 0;
  if (hexLength > 0) {
    const digits = src.slice(p + 1, p + 1 + hexLength);
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hexLength) {
      throw new TemplateSyntaxError("invalid escape sequence in quoted string", p - 1);
    }
    return { value: String.fromCodePoint(Number.parseInt(digits, 16)), length: 1 + hexLength };
  }
  const octal = src.slice(p, p + 3);
  if (/^[0-7]{3}$/.test(octal)) return { value: String.fromCodePoint(Number.parseInt(octal, 8)), length: 3 };
  throw new TemplateSyntaxError("invalid escape sequence in quoted string", p - 1);
}

function readQuoted(src: string, start: number): { value: string; length: number } {
  let value = "";
  let p = start + 1;
  for (;;) {
    const ch = src[p];
    if (ch === undefined || ch === "\n") throw new TemplateSyntaxError("unterminated quoted string", start);
    if (ch === '"') return { value, length: p + 1 - start };
    if (ch === "\\") {
      const decoded = readEscape(src, p + 1);
      value += decoded.value;
      p += 1 + decoded.length;
    } else {
      value += ch;
      p++;
    }
  }
}

function readChar(src: string, start: number): { value: number; length: number } {
  let p = start + 1;
  let value: string;
  if (src[p] === "\\") {
    const decoded = readEscape(src, p + 1);
    value = decoded.value;
    p += 1 + decoded.length;
  } else {
    const codePoint = src.codePointAt(p);
    if (codePoint === undefined || src[p] === "'" || src[p] === "\n") {
      throw new TemplateSyntaxError("unterminated character constant", start);
    }
    value = String.fromCodePoint(codePoint);
    p += value.length;
  }
  if (src[p] !== "'") throw new TemplateSyntaxError("unterminated character constant", start);
  return { value: value.codePointAt(0) as number, length: p + 1 - start };
}
