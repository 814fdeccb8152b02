/** One requirement of a Kubernetes label selector. */
export type LabelRequirement =
  | { readonly key: string; readonly op: "=" | "!="; readonly value: string }
  | { readonly key: string; readonly op: "in" | "notin"; readonly values: readonly string[] }
  | { readonly key: string; readonly op: "exists" | "!exists" };

/** A parsed label selector; `matches` is true when every requirement holds. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>>): boolean;
}

const KEY = /^(?:[a-z0-9A-Z.-]+\/)?[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9])?$/;
const SET = /^(?<key>[^\s!=(),]+)\s+(?<op>in|notin)\s+\((?<values>[^)]*)\)$/;

/**
 * Parses the selector syntax `kubectl -l` accepts (`app=web`, `tier!=db`, `env in (a,b)`, `env notin (c)`,
 * `release`, `!canary`, comma-separated). Returns the selector or an error saying what to write instead.
 */
export function parseLabelSelector(text: string): { selector: LabelSelector } | { error: string } {
  const requirements: LabelRequirement[] = [];
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    if (part === "") continue;
    const set = SET.exec(part);
    let requirement: LabelRequirement | null = null;
    if (set?.groups) {
      const values = (set.groups.values ?? "").split(",").map((v) => v.trim());
      requirement = { key: set.groups.key ?? "", op: set.groups.op === "in" ? "in" : "notin", values };
    } else if (part.includes("!=")) {
      const [key = "", value = ""] = part.split("!=", 2);
      requirement = { key: key.trim(), op: "!=", value: value.trim() };
    } else if (part.includes("=")) {
      const [key = "", value = ""] = part.split(/==?/, 2);
      requirement = { key: key.trim(), op: "=", value: value.trim() };
    } else if (part.startsWith("!")) {
      requirement = { key: part.slice(1).trim(), op: "!exists" };
    } else {
      requirement = { key: part, op: "exists" };
    }
    if (!KEY.test(requirement.key)) {
      return { error: `"${part}" is not a label requirement; write key=value, key!=value, key in (a,b), key or !key` };
    }
    requirements.push(requirement);
  }
  return { selector: { requirements, matches: (labels) => requirements.every((r) => holds(r, labels)) } };
}

function holds(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[requirement.key];
  switch (requirement.op) {
    case "=":
      return value === requirement.value;
    case "!=":
      return value !== requirement.value;
    case "in":
      return value !== undefined && requirement.values.includes(value);
    case "notin":
      return value === undefined || !requirement.values.includes(value);
    case "exists":
      return value !== undefined;
    case "!exists":
      return value === undefined;
  }
}

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
