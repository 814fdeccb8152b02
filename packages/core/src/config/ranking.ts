/**
 * The per-image ranking options the strategy engine has beyond argocd-image-updater's keys:
 * `<alias>.extract` (+ `<alias>.extract-group`), `<alias>.sort-order` and `<alias>.natural-sort`.
 */
import { compileExtraction } from "../strategy/extract.js";
import type { Diagnostic } from "./diagnostic.js";
import { diag, parseBooleanSetting, type SettingContext } from "./settings.js";
import type { ImageUpdateConfig } from "./types.js";

/** Annotation suffixes read here, for the unknown-key check. */
export const RANKING_KEYS = ["extract-group", "extract", "sort-order", "natural-sort"] as const;

type Lookup = (option: string) => { value: string; context: SettingContext } | undefined;

/** The ranking options of one image; an unusable `extract` fails closed (`failure` says why). */
export function readRanking(
  lookup: Lookup,
  diagnostics: Diagnostic[],
): {
  readonly ranking: Pick<ImageUpdateConfig, "extract" | "sortOrder" | "naturalSort">;
  readonly failure?: string;
} {
  const ranking: {
    -readonly [K in keyof Pick<ImageUpdateConfig, "extract" | "sortOrder" | "naturalSort">]?: ImageUpdateConfig[K];
  } = {};
  let failure: string | undefined;
  const extract = lookup("extract");
  const group = lookup("extract-group");
  if (extract) {
    // `regexp:` is optional, as in allow-tags, so the same value can be copied between the two keys.
    const pattern = extract.value.trim().replace(/^regexp:/i, "");
    const extraction = { pattern, ...(group ? { group: group.value.trim() } : {}) };
    const compiled = compileExtraction(extraction);
    if (compiled.error !== undefined) {
      failure = `${compiled.error}`;
      diagnostics.push(diag(extract.context, "error", `${compiled.error}; the image is not updated until it is fixed`));
    } else ranking.extract = extraction;
  } else if (group) {
    diagnostics.push(diag(group.context, "warning", "extract-group has no effect without an extract pattern"));
  }
  const order = lookup("sort-order");
  if (order) {
    const value = order.value.trim().toLowerCase();
    if (value === "asc" || value === "desc") ranking.sortOrder = value;
    else
      diagnostics.push(
        diag(
          order.context,
          "warning",
          `sort-order \`${order.value.trim()}\` is neither \`asc\` nor \`desc\`; using \`asc\``,
        ),
      );
  }
  const natural = lookup("natural-sort");
  if (natural) {
    const parsed = parseBooleanSetting(natural.value, natural.context, false);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value) ranking.naturalSort = true;
  }
  return failure === undefined ? { ranking } : { ranking, failure };
}
