/** `labelSelector` and `fieldSelector` query parameters, as the API server applies them to lists and watches. */
import { matchesLabelSelector, parseLabelSelectorText } from "@image-updater/core";

/** The object shape selectors look at. */
export interface SelectableObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
}

/** A compiled selector pair; throws a message (answered as 400 BadRequest) when either does not parse. */
export type ObjectFilter = (object: SelectableObject) => boolean;

function fieldValue(object: unknown, path: string): string {
  let node: unknown = object;
  for (const key of path.split("."))
    node = typeof node === "object" && node !== null ? (node as never)[key] : undefined;
  return node === undefined || node === null ? "" : String(node);
}

function compileFieldSelector(text: string): ObjectFilter {
  const terms = text
    .split(",")
    .map((term) => term.trim())
    .filter((term) => term !== "")
    .map((term) => {
      const match = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
      if (!match) throw new Error(`invalid field selector "${term}": write field=value or field!=value`);
      const [, field = "", op, value = ""] = match;
      return { field, negate: op === "!=", value };
    });
  return (object) => terms.every((t) => (fieldValue(object, t.field) === t.value) !== t.negate);
}

/** Compiles `labelSelector` and `fieldSelector`; absent or empty ones match everything. */
export function compileSelectors(labelSelector: string | null, fieldSelector: string | null): ObjectFilter {
  const labels = labelSelector?.trim() ? parseLabelSelectorText(labelSelector) : undefined;
  if (typeof labels === "string") throw new Error(`invalid label selector: ${labels}`);
  const fields = fieldSelector?.trim() ? compileFieldSelector(fieldSelector) : undefined;
  return (object) =>
    (labels === undefined || matchesLabelSelector(labels, object.metadata.labels ?? {})) &&
    (fields === undefined || fields(object));
}
