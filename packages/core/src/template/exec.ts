/** Executes a parse tree against data with Go `text/template` semantics. */
import type { CommandNode, ControlNode, PipeNode, TemplateNode, TermNode } from "./ast.js";
import { TEMPLATE_FUNCTIONS, TemplateFunctionError } from "./functions.js";
import { TemplateSyntaxError } from "./position.js";
import { formatValue, goTypeName, isRecord, isTrue, sortedEntries } from "./values.js";

/** Marks "no value piped in" apart from a piped `undefined`. */
const NONE: unique symbol = Symbol("none");

type Flow = "break" | "continue" | undefined;

interface Variable {
  readonly name: string;
  value: unknown;
}

/** Runs `nodes` with `data` as both `.` and `$`; returns the output text. */
export function execute(nodes: readonly TemplateNode[], data: unknown): string {
  const state = new State(data);
  state.walkList(data, nodes);
  return state.out.join("");
}

class State {
  readonly out: string[] = [];
  private readonly vars: Variable[];

  constructor(root: unknown) {
    this.vars = [{ name: "$", value: root }];
  }

  walkList(dot: unknown, nodes: readonly TemplateNode[]): Flow {
    for (const node of nodes) {
      const flow = this.walk(dot, node);
      if (flow !== undefined) return flow;
    }
    return undefined;
  }

  private walk(dot: unknown, node: TemplateNode): Flow {
    switch (node.kind) {
      case "text":
        this.out.push(node.text);
        return undefined;
      case "action": {
        const value = this.evalPipe(dot, node.pipe);
        // Go prints nothing for an action that only declares or assigns a variable.
        if (node.pipe.decl.length === 0) this.out.push(formatValue(value, ""));
        return undefined;
      }
      case "if":
      case "with":
        return this.walkIfOrWith(dot, node);
      case "range":
        return this.walkRange(dot, node);
      case "break":
      case "continue":
        return node.kind;
    }
  }

  private walkIfOrWith(dot: unknown, node: ControlNode): Flow {
    const mark = this.vars.length;
    try {
      const value = this.evalPipe(dot, node.pipe);
      if (isTrue(value)) return this.walkList(node.kind === "with" ? value : dot, node.list);
      if (node.elseList !== null) return this.walkList(dot, node.elseList);
      return undefined;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, node: ControlNode): Flow {
    const mark = this.vars.length;
    try {
      const value = this.evalPipe(dot, { ...node.pipe, decl: [] });
      const items = this.rangeItems(value, node.pos);
      if (items.length === 0) return node.elseList === null ? undefined : this.walkList(dot, node.elseList);
      for (const [key, element] of items) {
        this.vars.length = mark;
        const [first, second] = node.pipe.decl;
        if (second !== undefined) {
          this.bind(first as string, key, node.pipe.isAssign, node.pos);
          this.bind(second, element, node.pipe.isAssign, node.pos);
        } else if (first !== undefined) {
          this.bind(first, element, node.pipe.isAssign, node.pos);
        }
        if (this.walkList(element, node.list) === "break") break;
      }
      return undefined;
    } finally {
      this.vars.length = mark;
    }
  }

  private rangeItems(value: unknown, pos: number): [unknown, unknown][] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value.map((v, i) => [i, v]);
    if (value instanceof Map || isRecord(value)) return sortedEntries(value);
    if (typeof value === "number" && Number.isInteger(value)) {
      return Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
    }
    throw new TemplateSyntaxError(`range can't iterate over ${formatValue(value)}`, pos);
  }

  private bind(name: string, value: unknown, isAssign: boolean, pos: number): void {
    if (!isAssign) {
      this.vars.push({ name, value });
      return;
    }
    const existing = this.lookup(name, pos);
    existing.value = value;
  }

  private lookup(name: string, pos: number): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const variable = this.vars[i] as Variable;
      if (variable.name === name) return variable;
    }
    throw new TemplateSyntaxError(`undefined variable: ${name}`, pos);
  }

  private evalPipe(dot: unknown, pipe: PipeNode): unknown {
    let value: unknown = NONE;
    for (const command of pipe.commands) value = this.evalCommand(dot, command, value);
    for (const name of pipe.decl) this.bind(name, value, pipe.isAssign, pipe.pos);
    return value;
  }

  private evalCommand(dot: unknown, command: CommandNode, final: unknown): unknown {
    const [head, ...rest] = command.args as [TermNode, ...TermNode[]];
    if (head.kind === "function") return this.call(dot, head, rest, final);
    if (rest.length > 0 || final !== NONE) {
      throw new TemplateSyntaxError(`can't give argument to non-function ${describe(head)}`, head.pos);
    }
    return this.evalTerm(dot, head);
  }

  private call(
    dot: unknown,
    head: Extract<TermNode, { kind: "function" }>,
    rest: readonly TermNode[],
    final: unknown,
  ): unknown {
    const definition = TEMPLATE_FUNCTIONS.get(head.name);
    if (definition === undefined) throw new TemplateSyntaxError(`function "${head.name}" not defined`, head.pos);
    const count = rest.length + (final === NONE ? 0 : 1);
    if (count < definition.minArgs || (definition.maxArgs !== null && count > definition.maxArgs)) {
      const want =
        definition.maxArgs === definition.minArgs ? `${definition.minArgs}` : `at least ${definition.minArgs}`;
      throw new TemplateSyntaxError(`wrong number of args for ${head.name}: want ${want} got ${count}`, head.pos);
    }
    if (head.name === "and" || head.name === "or") {
      // Go stops at the first argument that decides the result and never evaluates the rest.
      const stopOn = head.name === "or";
      let value: unknown;
      for (const term of rest) {
        value = this.evalTerm(dot, term);
        if (isTrue(value) === stopOn) return value;
      }
      return final === NONE ? value : final;
    }
    const args = rest.map((term) => this.evalTerm(dot, term));
    if (final !== NONE) args.push(final);
    try {
      return definition.call(args);
    } catch (error) {
      if (error instanceof TemplateFunctionError) {
        throw new TemplateSyntaxError(`error calling ${head.name}: ${error.message}`, head.pos);
      }
      throw error;
    }
  }

  private evalTerm(dot: unknown, term: TermNode): unknown {
    switch (term.kind) {
      case "dot":
        return dot;
      case "literal":
        return term.value;
      case "field":
        return this.fields(term.receiver === null ? dot : this.evalTerm(dot, term.receiver), term.names, term.pos);
      case "variable":
        return this.fields(this.lookup(term.name, term.pos).value, term.names, term.pos);
      case "pipe":
        return this.fields(this.evalPipe(dot, term.pipe), term.names, term.pos);
      case "function":
        return this.call(dot, term, [], NONE);
    }
  }

  /** Follows `.A.B`; a missing field (or a field of a missing value) is empty, as the issue asks. */
  private fields(value: unknown, names: readonly string[], pos: number): unknown {
    let current = value;
    for (const name of names) {
      if (current === undefined || current === null) return undefined;
      if (current instanceof Map) current = current.get(name);
      else if (isRecord(current)) current = Object.hasOwn(current, name) ? current[name] : undefined;
      else throw new TemplateSyntaxError(`can't evaluate field ${name} in type ${goTypeName(current)}`, pos);
    }
    return current;
  }
}

function describe(term: TermNode): string {
  switch (term.kind) {
    case "field":
      return `.${term.names.join(".")}`;
    case "variable":
      return term.name + term.names.map((n) => `.${n}`).join("");
    case "dot":
      return ".";
    default:
      return formatValue(term.kind === "literal" ? term.value : "(…)");
  }
}
