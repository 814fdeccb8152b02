/** How template values print, compare and test true, following Go's `fmt` and `text/template`. */
import { escapedQuoted } from "../editors/yaml-text.js";

/** A plain object used as a Go map or struct. */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Go's `isTrue`: false, 0, nil, and empty strings, lists and maps are false. */
export function isTrue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

/** The Go type name `fmt` shows in `%!verb(type=value)` errors. */
export function goTypeName(value: unknown): string {
  if (value === undefined || value === null) return "<nil>";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float64";
  if (Array.isArray(value)) return "[]interface {}";
  return "map[string]interface {}";
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)` as `%v` uses it (exponent below 1e-4 and from 1e21). */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21) {
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${digits}`;
  }
  return String(value);
}

/** Sorted keys, so map output is deterministic as in Go. */
export function sortedEntries(value: Readonly<Record<string, unknown>> | Map<unknown, unknown>): [string, unknown][] {
  const entries: [string, unknown][] =
    value instanceof Map ? [...value].map(([k, v]) => [String(k), v]) : Object.entries(value);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `fmt.Sprint(value)`-style text; `nilText` is what a nil prints as. */
export function formatValue(value: unknown, nilText = "<nil>"): string {
  if (value === undefined || value === null) return nilText;
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item)).join(" ")}]`;
  if (value instanceof Map || isRecord(value)) {
    return `map[${sortedEntries(value)
      .map(([k, v]) => `${k}:${formatValue(v)}`)
      .join(" ")}]`;
  }
  return String(value);
}

/** Go's escapes beyond the ones YAML double-quoted scalars share. */
const GO_ESCAPES: ReadonlyMap<string, string> = new Map([
  ["\x07", "\\a"],
  ["\b", "\\b"],
  ["\f", "\\f"],
  ["\v", "\\v"],
]);

/** Go's `strconv.Quote`: double quotes, Go escapes, printable Unicode kept. */
export function goQuote(text: string): string {
  return escapedQuoted(text, GO_ESCAPES);
}
