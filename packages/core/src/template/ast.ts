/** Parse tree of a Go `text/template`-compatible template. Offsets are UTF-16 indexes into the source. */

/** A value-producing term inside an action. */
export type TermNode =
  | { readonly kind: "dot"; readonly pos: number }
  | {
      readonly kind: "field";
      readonly pos: number;
      readonly receiver: TermNode | null;
      readonly names: readonly string[];
    }
  | { readonly kind: "variable"; readonly pos: number; readonly name: string; readonly names: readonly string[] }
  | { readonly kind: "function"; readonly pos: number; readonly name: string }
  | { readonly kind: "literal"; readonly pos: number; readonly value: unknown }
  | { readonly kind: "pipe"; readonly pos: number; readonly pipe: PipeNode; readonly names: readonly string[] };

/** `f a b` or `.X`: one stage of a pipeline. */
export interface CommandNode {
  readonly pos: number;
  readonly args: readonly TermNode[];
}

/** `$x := a | f b`: commands chained with `|`, optionally declaring or assigning variables. */
export interface PipeNode {
  readonly pos: number;
  readonly decl: readonly string[];
  /** True for `=` (assign to an existing variable), false for `:=`. */
  readonly isAssign: boolean;
  readonly commands: readonly CommandNode[];
}

/** A node of a template body. */
export type TemplateNode =
  | { readonly kind: "text"; readonly pos: number; readonly text: string }
  | { readonly kind: "action"; readonly pos: number; readonly pipe: PipeNode }
  | ControlNode
  | { readonly kind: "break" | "continue"; readonly pos: number };

/** `{{if}}`, `{{with}}` or `{{range}}` with its body and optional `{{else}}` body. */
export interface ControlNode {
  readonly kind: "if" | "with" | "range";
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: readonly TemplateNode[];
  readonly elseList: readonly TemplateNode[] | null;
}
