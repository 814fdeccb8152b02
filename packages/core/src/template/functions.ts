/**
 * Functions callable in templates: Go `text/template`'s builtins (`printf`, `len`, `index`, `eq`, …) plus the
 * Sprig string helpers argocd-image-updater and Flux users write (`join`, `lower`, `upper`, `trunc`, …).
 * `and` and `or` short-circuit, so the executor evaluates them itself.
 */
import { sprintf } from "./printf.js";
import { formatValue, goQuote, goTypeName, isRecord, isTrue, sortedEntries } from "./values.js";

/** Thrown by a function; the executor adds the template position. */
export class TemplateFunctionError extends Error {}

/** A template function: arguments (the piped value last) to a result. */
export interface TemplateFunction {
  readonly minArgs: number;
  /** `null`: variadic. */
  readonly maxArgs: number | null;
  call(args: readonly unknown[]): unknown;
}

function fn(minArgs: number, maxArgs: number | null, call: (args: readonly unknown[]) => unknown): TemplateFunction {
  return { minArgs, maxArgs, call };
}

function text(value: unknown, name: string): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return formatValue(value);
  throw new TemplateFunctionError(`${name}: expected a string, got ${goTypeName(value)}`);
}

function integer(value: unknown, name: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  throw new TemplateFunctionError(`${name}: expected an integer, got ${goTypeName(value)}`);
}

function basicKind(value: unknown): string {
  if (value === undefined || value === null) return "nil";
  return typeof value;
}

function equal(a: unknown, b: unknown): boolean {
  const kindA = basicKind(a);
  const kindB = basicKind(b);
  if (kindA === "nil" || kindB === "nil") return kindA === kindB;
  if (kindA !== kindB) throw new TemplateFunctionError("incompatible types for comparison");
  if (kindA === "object") throw new TemplateFunctionError("non-comparable type");
  return a === b;
}

function less(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (typeof a === "string" && typeof b === "string") return a < b;
  throw new TemplateFunctionError(
    basicKind(a) === basicKind(b) ? "invalid type for comparison" : "incompatible types for comparison",
  );
}

function length(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (isRecord(value)) return Object.keys(value).length;
  throw new TemplateFunctionError(`len of type ${goTypeName(value)}`);
}

function indexInto(value: unknown, key: unknown): unknown {
  if (Array.isArray(value) || typeof value === "string") {
    const i = integer(key, "index");
    if (i < 0 || i >= value.length) throw new TemplateFunctionError(`index out of range: ${i}`);
    return typeof value === "string" ? (value.codePointAt(i) as number) : value[i];
  }
  if (value instanceof Map) return value.get(key);
  if (isRecord(value)) return Object.hasOwn(value, String(key)) ? value[String(key)] : undefined;
  if (value === undefined || value === null) throw new TemplateFunctionError("index of untyped nil");
  throw new TemplateFunctionError(`can't index item of type ${goTypeName(value)}`);
}

/** Sprig's `strslice`: a list's items as strings (nil items dropped), anything else as a one-item list. */
function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined && v !== null).map((v) => formatValue(v));
  if (value === undefined || value === null) return [];
  return [formatValue(value)];
}

function printArgs(args: readonly unknown[]): string {
  let out = "";
  for (const [i, arg] of args.entries()) {
    // fmt.Sprint puts a space between operands when neither is a string.
    if (i > 0 && typeof arg !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(arg);
  }
  return out;
}

/** Every function known to templates, by name. */
export const TEMPLATE_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ["and", fn(1, null, (args) => args.find((a) => !isTrue(a)) ?? args[args.length - 1])],
  ["or", fn(1, null, (args) => args.find((a) => isTrue(a)) ?? args[args.length - 1])],
  ["not", fn(1, 1, ([a]) => !isTrue(a))],
  ["eq", fn(2, null, ([a, ...rest]) => rest.some((b) => equal(a, b)))],
  ["ne", fn(2, 2, ([a, b]) => !equal(a, b))],
  ["lt", fn(2, 2, ([a, b]) => less(a, b))],
  ["le", fn(2, 2, ([a, b]) => less(a, b) || equal(a, b))],
  ["gt", fn(2, 2, ([a, b]) => less(b, a))],
  ["ge", fn(2, 2, ([a, b]) => !less(a, b))],
  ["len", fn(1, 1, ([a]) => length(a))],
  ["index", fn(1, null, ([value, ...keys]) => keys.reduce(indexInto, value))],
  [
    "slice",
    fn(1, 3, ([value, from, to]) => {
      if (typeof value !== "string" && !Array.isArray(value)) {
        throw new TemplateFunctionError(`can't slice item of type ${goTypeName(value)}`);
      }
      const start = from === undefined ? 0 : integer(from, "slice");
      const end = to === undefined ? value.length : integer(to, "slice");
      if (start < 0 || end > value.length || start > end) throw new TemplateFunctionError("slice index out of range");
      return value.slice(start, end);
    }),
  ],
  ["print", fn(0, null, printArgs)],
  ["println", fn(0, null, (args) => `${args.map((a) => formatValue(a)).join(" ")}\n`)],
  ["printf", fn(1, null, ([format, ...args]) => sprintf(text(format, "printf"), args))],
  ["join", fn(2, 2, ([separator, list]) => stringList(list).join(text(separator, "join")))],
  ["lower", fn(1, 1, ([s]) => text(s, "lower").toLowerCase())],
  ["upper", fn(1, 1, ([s]) => text(s, "upper").toUpperCase())],
  [
    "trunc",
    fn(2, 2, ([count, s]) => {
      const n = integer(count, "trunc");
      const value = text(s, "trunc");
      if (n < 0) return value.length + n > 0 ? value.slice(value.length + n) : value;
      return value.slice(0, n);
    }),
  ],
  ["trim", fn(1, 1, ([s]) => text(s, "trim").trim())],
  ["trimPrefix", fn(2, 2, ([p, s]) => removePrefix(text(s, "trimPrefix"), text(p, "trimPrefix")))],
  ["trimSuffix", fn(2, 2, ([p, s]) => removeSuffix(text(s, "trimSuffix"), text(p, "trimSuffix")))],
  ["replace", fn(3, 3, ([from, to, s]) => text(s, "replace").replaceAll(text(from, "replace"), text(to, "replace")))],
  ["contains", fn(2, 2, ([needle, s]) => text(s, "contains").includes(text(needle, "contains")))],
  ["hasPrefix", fn(2, 2, ([p, s]) => text(s, "hasPrefix").startsWith(text(p, "hasPrefix")))],
  ["hasSuffix", fn(2, 2, ([p, s]) => text(s, "hasSuffix").endsWith(text(p, "hasSuffix")))],
  ["quote", fn(0, null, (args) => args.map((a) => goQuote(formatValue(a, ""))).join(" "))],
  ["default", fn(1, 2, (args) => (args.length === 2 && isTrue(args[1]) ? args[1] : args[0]))],
  ["keys", fn(1, 1, ([m]) => (isRecord(m) || m instanceof Map ? sortedEntries(m).map(([k]) => k) : []))],
  ["html", fn(0, null, (args) => htmlEscape(printArgs(args)))],
  ["js", fn(0, null, (args) => jsEscape(printArgs(args)))],
  ["urlquery", fn(0, null, (args) => queryEscape(printArgs(args)))],
]);

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  "'": "&#39;",
  '"': "&#34;",
  "\0": "\uFFFD",
};

/** Go's `html` builtin (`template.HTMLEscapeString`). */
function htmlEscape(text: string): string {
  return text.replace(/[<>&'"\0]/g, (ch) => HTML_ESCAPES[ch] as string);
}

/** Go's `js` builtin (`template.JSEscapeString`). */
function jsEscape(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === "'" || ch === '"') out += `\\${ch}`;
    else if (ch === "<" || ch === ">" || ch === "&" || ch === "=" || code < 0x20) {
      out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    } else out += ch;
  }
  return out;
}

/** Go's `urlquery` builtin (`url.QueryEscape`): only `A-Za-z0-9-_.~` stay, space becomes `+`. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (ch) => `%${(ch.codePointAt(0) as number).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}

function removePrefix(value: string, prefix: string): string {
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

function removeSuffix(value: string, suffix: string): string {
  return suffix !== "" && value.endsWith(suffix) ? value.slice(0, value.length - suffix.length) : value;
}
