/**
 * `--match-application-name` globs and `--match-application-label` selectors, as argocd-image-updater
 * applies them before a cycle.
 */
import { minimatch } from "minimatch";
import { type LabelSelector, type LabelSelectorRequirement, matchesLabelSelector } from "../config/label-selector.js";
import { ImageUpdaterError } from "../errors.js";
import type { Application } from "../source/types.js";

const KEY = "[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?";
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

function parseRequirement(text: string): LabelSelectorRequirement | undefined {
  const set = SET.exec(text)?.groups;
  if (set !== undefined) {
    const values = (set.values ?? "").split(",").map((value) => value.trim());
    return { key: set.key ?? "", operator: set.op === "in" ? "In" : "NotIn", values };
  }
  const equality = EQUALITY.exec(text)?.groups;
  if (equality !== undefined) {
    return { key: equality.key ?? "", operator: equality.op === "!=" ? "NotIn" : "In", values: [equality.value ?? ""] };
  }
  const exists = EXISTS.exec(text)?.groups;
  if (exists !== undefined) {
    return { key: exists.key ?? "", operator: exists.not === "!" ? "DoesNotExist" : "Exists", values: [] };
  }
  return undefined;
}

/**
 * Parses a label selector written as text (`team=a,tier!=db`, `env in (prod,staging)`, `!legacy`), as
 * `--match-application-label` takes it. Returns a message saying what to write instead when it is not one.
 */
export function parseLabelSelectorText(text: string): LabelSelector | string {
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const part of splitRequirements(text)) {
    const requirement = parseRequirement(part);
    if (requirement === undefined) {
      return `\`${part}\` is not a label selector requirement; write \`key=value\`, \`key!=value\`, \`key in (a,b)\`, \`key notin (a,b)\`, \`key\` or \`!key\``;
    }
    matchExpressions.push(requirement);
  }
  return { matchLabels: {}, matchExpressions };
}

/** Builds the application filter of a cycle from name globs and a label selector. */
export function createApplicationFilter(options: {
  readonly names?: readonly string[];
  readonly labels?: string;
}): (application: Application) => boolean {
  const names = options.names?.filter((name) => name !== "") ?? [];
  const selector =
    options.labels === undefined || options.labels.trim() === "" ? undefined : parseLabelSelectorText(options.labels);
  if (typeof selector === "string") {
    throw new ImageUpdaterError("CONFIG_INVALID", `match-application-label: ${selector}`);
  }
  return (application) =>
    (names.length === 0 || names.some((pattern) => minimatch(application.name, pattern))) &&
    (selector === undefined || matchesLabelSelector(selector, application.labels));
}
