/** Typed field readers for the `ImageUpdater` CR: each reports a wrong type instead of throwing. */
import type { Diagnostic } from "./diagnostic.js";

/** A value with the field path it was read from. */
export interface Sourced<T> {
  readonly value: T;
  readonly path: string;
}

/** A string field; `undefined` when absent or of another type (reported). */
export function readString(value: unknown, key: string, diagnostics: Diagnostic[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  diagnostics.push({
    severity: "error",
    key,
    message: `expected a string, found ${describe(value)}; the field is ignored`,
  });
  return undefined;
}

/** A boolean field; `undefined` when absent or of another type (reported). */
export function readBoolean(value: unknown, key: string, diagnostics: Diagnostic[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  diagnostics.push({
    severity: "error",
    key,
    message: `expected \`true\` or \`false\`, found ${describe(value)}; the field is ignored`,
  });
  return undefined;
}

/** A list-of-strings field; a comma string is reported with the YAML list to write. */
export function readStringList(value: unknown, key: string, diagnostics: Diagnostic[]): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  const hint =
    typeof value === "string"
      ? ` (write a YAML list: [${value
          .split(",")
          .map((v) => JSON.stringify(v.trim()))
          .join(", ")}])`
      : "";
  diagnostics.push({
    severity: "error",
    key,
    message: `expected a list of strings, found ${describe(value)}${hint}; the field is ignored`,
  });
  return undefined;
}

/** Reports fields not in `allowed` as warnings (they are ignored). */
export function checkFields(
  value: Record<string, unknown>,
  path: string,
  allowed: readonly string[],
  diagnostics: Diagnostic[],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      diagnostics.push({
        severity: "warning",
        key: `${path}.${key}`,
        message: `unknown field \`${key}\`, ignored; fields here are ${allowed.map((f) => `\`${f}\``).join(", ")}`,
      });
    }
  }
}

/** `value` without its `undefined` members, so spreading it never erases an inherited setting. */
export function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} \`${String(value)}\``;
}
