/** Public entry points of the template renderer. */
import { execute } from "./exec.js";
import { TEMPLATE_FUNCTIONS } from "./functions.js";
import { lex } from "./lexer.js";
import { parse } from "./parser.js";
import { toTemplateError } from "./position.js";

/** Options of {@link parseTemplate}. */
export interface ParseTemplateOptions {
  /** Name shown in error messages (`template: <name>:3:7: …`). @default "template" */
  readonly name?: string;
}

/** A parsed template, ready to render many times. */
export interface Template {
  readonly name: string;
  readonly source: string;
  /**
   * Renders with `data` as `.` and `$`. A missing field renders empty. Throws `TEMPLATE_INVALID`
   * ({@link TemplateError}, with line and column) when execution fails, e.g. `index` out of range.
   */
  render(data: unknown): string;
}

/**
 * Parses a Go `text/template`-compatible template: fields, variables, pipelines, `if`/`else if`/`with`/`range`
 * (with `break`/`continue`), trim markers and comments. Functions: `printf`, `print`, `println`, `len`, `index`,
 * `slice`, `eq`/`ne`/`lt`/`le`/`gt`/`ge`, `and`/`or`/`not`, `html`, `js`, `urlquery`, and the Sprig helpers `join`, `lower`, `upper`,
 * `trunc`, `trim`, `trimPrefix`, `trimSuffix`, `replace`, `contains`, `hasPrefix`, `hasSuffix`, `quote`,
 * `default`, `keys`. Throws `TEMPLATE_INVALID` ({@link TemplateError}) with line:column when malformed.
 */
export function parseTemplate(source: string, options: ParseTemplateOptions = {}): Template {
  const name = options.name ?? "template";
  let nodes: ReturnType<typeof parse>;
  try {
    nodes = parse(lex(source), new Set(TEMPLATE_FUNCTIONS.keys()));
  } catch (error) {
    throw toTemplateError(error, source, name);
  }
  return {
    name,
    source,
    render(data: unknown): string {
      try {
        return execute(nodes, data);
      } catch (error) {
        throw toTemplateError(error, source, name);
      }
    },
  };
}

/** Parses and renders in one call. Throws `TEMPLATE_INVALID` with line:column (see {@link parseTemplate}). */
export function renderTemplate(source: string, data: unknown, options: ParseTemplateOptions = {}): string {
  return parseTemplate(source, options).render(data);
}
