import { ImageUpdaterError } from "../errors.js";

/** A syntax or execution problem at a source offset; converted to `TEMPLATE_INVALID` with line:column. */
export class TemplateSyntaxError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = "TemplateSyntaxError";
    this.offset = offset;
  }
}

/** 1-based line and column (in characters) of `offset` in `src`. */
export function lineColumn(src: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < src.length; i++) {
    if (src[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Wraps a {@link TemplateSyntaxError} as the public `TEMPLATE_INVALID` error, naming template, line and column. */
export function toTemplateError(error: unknown, src: string, name: string): unknown {
  if (!(error instanceof TemplateSyntaxError)) return error;
  const { line, column } = lineColumn(src, error.offset);
  return new TemplateError(`template: ${name}:${line}:${column}: ${error.message}`, { line, column, cause: error });
}

/** Options of a {@link TemplateError}. */
export interface TemplateErrorOptions extends ErrorOptions {
  readonly line: number;
  readonly column: number;
}

/** A template that does not parse or cannot execute (`TEMPLATE_INVALID`), with the 1-based position. */
export class TemplateError extends ImageUpdaterError {
  readonly line: number;
  readonly column: number;

  constructor(message: string, options: TemplateErrorOptions) {
    super("TEMPLATE_INVALID", message, options);
    this.line = options.line;
    this.column = options.column;
  }
}
