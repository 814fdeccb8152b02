/** Kubernetes label selectors (`matchLabels` + `matchExpressions`), as `applicationRefs[].labelSelectors` uses them. */
import type { Diagnostic } from "./diagnostic.js";

/** One `matchExpressions` entry. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

/** A validated label selector. An empty selector matches every object. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

/**
 * Validates a `metav1.LabelSelector`-shaped value. Returns `undefined` (match nothing, fail closed) with an
 * error diagnostic when it is malformed, since a broken selector must not widen the set of applications.
 */
export function parseLabelSelector(
  value: unknown,
  path: string,
): { value?: LabelSelector; diagnostics: readonly Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fail = (key: string, message: string) => {
    diagnostics.push({
      severity: "error",
      key,
      message: `${message}; this reference matches no application until it is fixed`,
    });
  };
  if (!isRecord(value)) {
    fail(path, "labelSelectors is a map with `matchLabels` and/or `matchExpressions`");
    return { diagnostics };
  }
  for (const key of Object.keys(value)) {
    if (key !== "matchLabels" && key !== "matchExpressions")
      fail(`${path}.${key}`, `unknown field \`${key}\`; write \`matchLabels\` or \`matchExpressions\``);
  }
  const matchLabels: Record<string, string> = {};
  if (value.matchLabels !== undefined && value.matchLabels !== null) {
    if (!isRecord(value.matchLabels)) fail(`${path}.matchLabels`, "matchLabels is a map of label keys to values");
    else {
      for (const [key, label] of Object.entries(value.matchLabels)) {
        if (typeof label !== "string")
          fail(`${path}.matchLabels.${key}`, "label values are strings; quote numbers and booleans");
        else matchLabels[key] = label;
      }
    }
  }
  const matchExpressions: LabelSelectorRequirement[] = [];
  if (value.matchExpressions !== undefined && value.matchExpressions !== null) {
    if (!Array.isArray(value.matchExpressions))
      fail(`${path}.matchExpressions`, "matchExpressions is a list of `{key, operator, values}`");
    else {
      value.matchExpressions.forEach((raw: unknown, index: number) => {
        const at = `${path}.matchExpressions[${index}]`;
        if (!isRecord(raw) || typeof raw.key !== "string" || raw.key === "") {
          fail(at, "each expression has a `key`, an `operator` and, for In/NotIn, `values`");
          return;
        }
        const operator = OPERATORS.find((op) => op === raw.operator);
        if (operator === undefined) {
          fail(
            `${at}.operator`,
            `unknown operator \`${String(raw.operator)}\`; write \`In\`, \`NotIn\`, \`Exists\` or \`DoesNotExist\``,
          );
          return;
        }
        const values = raw.values ?? [];
        if (!Array.isArray(values) || values.some((v) => typeof v !== "string")) {
          fail(`${at}.values`, "values is a list of strings");
          return;
        }
        const needsValues = operator === "In" || operator === "NotIn";
        if (needsValues && values.length === 0) fail(`${at}.values`, `\`${operator}\` needs at least one value`);
        else if (!needsValues && values.length > 0)
          fail(`${at}.values`, `\`${operator}\` takes no values; remove them`);
        else matchExpressions.push({ key: raw.key, operator, values: values as string[] });
      });
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { value: { matchLabels, matchExpressions }, diagnostics };
}

/** True when `labels` satisfy every requirement of `selector`. */
export function matchesLabelSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  return selector.matchExpressions.every((requirement) => {
    const present = Object.hasOwn(labels, requirement.key);
    const value = labels[requirement.key];
    if (requirement.operator === "In") return present && requirement.values.includes(value!);
    if (requirement.operator === "NotIn") return !present || !requirement.values.includes(value!);
    return requirement.operator === "Exists" ? present : !present;
  });
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
