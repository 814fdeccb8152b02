/**
 * `--match-application-name` globs and `--match-application-label` selectors, as argocd-image-updater
 * applies them before a cycle.
 */
import { minimatch } from "minimatch";
import { ImageUpdaterError } from "../errors.js";
import type { Application } from "../source/types.js";

/** A parsed Kubernetes label selector. */
export interface LabelSelector {
  matches(labels: Readonly<Record<string, string>>): boolean;
}

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const SET = new RegExp(String.raw`^(?<key>${KEY})\s+(?<op>in|notin)\s+\((?<values>[^)]*)\)$`);
const EQUALITY = new RegExp(String.raw`^(?<key>${KEY})\s*(?<op>==|=|!=)\s*(?<value>[-A-Za-z0-9_.]*)$`);
const EXISTS = new RegExp(String.raw`^(?<not>!)?\s*(?<key>${KEY})$`);

/** Splits on commas that are not inside `( … )`. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += char;
  }
  parts.push(current.trim());
  return parts.filter((part) => part !== "");
}

function parseRequirement(text: string): Requirement | undefined {
  const set = SET.exec(text)?.groups;
  if (set !== undefined) {
    const values = new Set((set.values ?? "").split(",").map((value) => value.trim()));
    const key = set.key ?? "";
    return set.op === "in"
      ? (labels) => labels[key] !== undefined && values.has(labels[key])
      : (labels) => labels[key] === undefined || !values.has(labels[key]);
  }
  const equality = EQUALITY.exec(text)?.groups;
  if (equality !== undefined) {
    const key = equality.key ?? "";
    const value = equality.value ?? "";
    return equality.op === "!=" ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const exists = EXISTS.exec(text)?.groups;
  if (exists !== undefined) {
    const key = exists.key ?? "";
    return exists.not === "!" ? (labels) => labels[key] === undefined : (labels) => labels[key] !== undefined;
  }
  return undefined;
}

/**
 * Parses a label selector (`team=a,tier!=db`, `env in (prod,staging)`, `!legacy`). Returns a message saying what
 * to write instead when the text is not a selector.
 */
export function parseLabelSelector(text: string): LabelSelector | string {
  const requirements: Requirement[] = [];
  for (const part of splitRequirements(text)) {
    const requirement = parseRequirement(part);
    if (requirement === undefined) {
      return `\`${part}\` is not a label selector requirement; write \`key=value\`, \`key!=value\`, \`key in (a,b)\`, \`key notin (a,b)\`, \`key\` or \`!key\``;
    }
    requirements.push(requirement);
  }
  return { matches: (labels) => requirements.every((requirement) => requirement(labels)) };
}

/** Builds the application filter of a cycle from name globs and a label selector. */
export function createApplicationFilter(options: {
  readonly names?: readonly string[];
  readonly labels?: string;
}): (application: Application) => boolean {
  const names = options.names?.filter((name) => name !== "") ?? [];
  const selector = options.labels === undefined || options.labels.trim() === "" ? undefined : parseLabelSelector(options.labels);
  if (typeof selector === "string") {
    throw new ImageUpdaterError("CONFIG_INVALID", `match-application-label: ${selector}`);
  }
  return (application) =>
    (names.length === 0 || names.some((pattern) => minimatch(application.name, pattern))) &&
    (selector === undefined || selector.matches(application.labels));
}
