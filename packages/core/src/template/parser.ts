/** Builds the parse tree from lexed items, with Go `text/template`'s control structures and checks. */
import type { CommandNode, PipeNode, TemplateNode, TermNode } from "./ast.js";
import type { Item, Token } from "./lexer.js";
import { TemplateSyntaxError } from "./position.js";

const UNSUPPORTED = new Set(["define", "template", "block"]);

interface ListResult {
  readonly nodes: TemplateNode[];
  readonly end: { readonly keyword: "end" | "else" | "eof"; readonly tokens: readonly Token[]; readonly pos: number };
}

/** Parses `items` into a tree. `functions` names the callable identifiers. */
export function parse(items: readonly Item[], functions: ReadonlySet<string>): TemplateNode[] {
  const parser = new Parser(items, functions);
  const { nodes, end } = parser.list(0);
  if (end.keyword !== "eof") throw new TemplateSyntaxError(`unexpected {{${end.keyword}}}`, end.pos);
  return nodes;
}

class Parser {
  private index = 0;

  constructor(
    private readonly items: readonly Item[],
    private readonly functions: ReadonlySet<string>,
  ) {}

  /** Nodes up to the next `{{end}}`, `{{else …}}` or the end of input. */
  list(rangeDepth: number): ListResult {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const item = this.items[this.index++];
      if (item === undefined) return { nodes, end: { keyword: "eof", tokens: [], pos: 0 } };
      if (item.kind === "text") {
        nodes.push({ kind: "text", pos: item.pos, text: item.text });
        continue;
      }
      const [first, ...rest] = item.tokens;
      if (first === undefined) throw new TemplateSyntaxError("missing value for command", item.pos);
      const keyword = first.kind === "identifier" ? first.text : "";
      if (keyword === "end") {
        if (rest.length > 0) throw new TemplateSyntaxError("unexpected tokens in end", (rest[0] as Token).pos);
        return { nodes, end: { keyword: "end", tokens: [], pos: item.pos } };
      }
      if (keyword === "else") return { nodes, end: { keyword: "else", tokens: rest, pos: item.pos } };
      if (keyword === "if" || keyword === "with" || keyword === "range") {
        nodes.push(this.control(keyword, rest, item.pos, rangeDepth));
      } else if (keyword === "break" || keyword === "continue") {
        if (rangeDepth === 0) throw new TemplateSyntaxError(`{{${keyword}}} outside {{range}}`, item.pos);
        if (rest.length > 0) throw new TemplateSyntaxError(`unexpected tokens in ${keyword}`, item.pos);
        nodes.push({ kind: keyword, pos: item.pos });
      } else if (UNSUPPORTED.has(keyword)) {
        throw new TemplateSyntaxError(`{{${keyword}}} is not supported`, item.pos);
      } else {
        nodes.push({ kind: "action", pos: item.pos, pipe: new PipeParser(item.tokens, this.functions).pipe("action") });
      }
    }
  }

  private control(
    kind: "if" | "with" | "range",
    tokens: readonly Token[],
    pos: number,
    rangeDepth: number,
  ): TemplateNode {
    if (tokens.length === 0) throw new TemplateSyntaxError(`missing value for ${kind}`, pos);
    const pipe = new PipeParser(tokens, this.functions).pipe(kind);
    const innerDepth = kind === "range" ? rangeDepth + 1 : rangeDepth;
    const body = this.list(innerDepth);
    if (body.end.keyword === "eof") throw new TemplateSyntaxError(`unexpected EOF: {{${kind}}} has no {{end}}`, pos);
    if (body.end.keyword === "end") return { kind, pos, pipe, list: body.nodes, elseList: null };
    const elseTokens = body.end.tokens;
    const chained = elseTokens[0];
    if (chained !== undefined) {
      // `{{else if x}}` / `{{else with x}}` is a nested control that consumes the shared {{end}}.
      if (chained.kind !== "identifier" || (chained.text !== "if" && chained.text !== "with") || kind === "range") {
        throw new TemplateSyntaxError("unexpected tokens after else", chained.pos);
      }
      const nested = this.control(chained.text, elseTokens.slice(1), body.end.pos, rangeDepth);
      return { kind, pos, pipe, list: body.nodes, elseList: [nested] };
    }
    const elseBody = this.list(rangeDepth);
    if (elseBody.end.keyword !== "end") {
      throw new TemplateSyntaxError(
        `expected {{end}} for {{${kind}}}`,
        elseBody.end.keyword === "eof" ? pos : elseBody.end.pos,
      );
    }
    return { kind, pos, pipe, list: body.nodes, elseList: elseBody.nodes };
  }
}

class PipeParser {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly functions: ReadonlySet<string>,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private isPlainVariable(token: Token | undefined): boolean {
    return token?.kind === "variable";
  }

  /** A whole action's pipeline; `context` decides how many variables may be declared. */
  pipe(context: "action" | "if" | "with" | "range"): PipeNode {
    const start = this.peek()?.pos ?? 0;
    const decl: string[] = [];
    let isAssign = false;
    const first = this.peek();
    const second = this.peek(1);
    if (this.isPlainVariable(first) && (second?.kind === "declare" || second?.kind === "assign")) {
      decl.push((first as Token).text);
      isAssign = second.kind === "assign";
      this.index += 2;
    } else if (this.isPlainVariable(first) && second?.kind === "comma") {
      const third = this.peek(2);
      const fourth = this.peek(3);
      if (context !== "range") throw new TemplateSyntaxError("too many declarations", second.pos);
      if (!this.isPlainVariable(third) || (fourth?.kind !== "declare" && fourth?.kind !== "assign")) {
        throw new TemplateSyntaxError("expected two variables then := in range", second.pos);
      }
      decl.push((first as Token).text, (third as Token).text);
      isAssign = fourth.kind === "assign";
      this.index += 4;
    }
    const pipe = this.commands(start, decl, isAssign, false);
    const rest = this.peek();
    if (rest !== undefined)
      throw new TemplateSyntaxError(`unexpected ${JSON.stringify(rest.text)} in operand`, rest.pos);
    return pipe;
  }

  private commands(start: number, decl: readonly string[], isAssign: boolean, inParens: boolean): PipeNode {
    const commands: CommandNode[] = [];
    for (;;) {
      const token = this.peek();
      const args: TermNode[] = [];
      const commandPos = token?.pos ?? start;
      while (this.peek() !== undefined && this.peek()?.kind !== "pipe" && this.peek()?.kind !== "rparen") {
        const next = this.peek() as Token;
        if (args.length > 0 && !next.spaced && next.kind !== "lparen") {
          throw new TemplateSyntaxError(`unexpected ${JSON.stringify(next.text)} in operand`, next.pos);
        }
        args.push(this.operand());
      }
      if (args.length === 0) throw new TemplateSyntaxError("missing value for command", commandPos);
      const head = args[0] as TermNode;
      if (commands.length > 0 && (head.kind === "literal" || head.kind === "dot" || head.kind === "pipe")) {
        throw new TemplateSyntaxError(`non executable command in pipeline stage ${commands.length + 1}`, head.pos);
      }
      commands.push({ pos: commandPos, args });
      const separator = this.peek();
      if (separator?.kind !== "pipe") break;
      this.index++;
    }
    const closing = this.peek();
    if (!inParens && closing?.kind === "rparen") throw new TemplateSyntaxError("unexpected right paren", closing.pos);
    return { pos: start, decl, isAssign, commands };
  }

  /** Field names glued to the previous term (`$x.A.B`, `(pipe).A`). */
  private chain(): string[] {
    const names: string[] = [];
    for (let token = this.peek(); token?.kind === "field" && !token.spaced; token = this.peek()) {
      names.push(token.text);
      this.index++;
    }
    return names;
  }

  private operand(): TermNode {
    const token = this.tokens[this.index++] as Token;
    switch (token.kind) {
      case "field":
        return { kind: "field", pos: token.pos, receiver: null, names: [token.text, ...this.chain()] };
      case "dot":
        return { kind: "dot", pos: token.pos };
      case "variable":
        return { kind: "variable", pos: token.pos, name: token.text, names: this.chain() };
      case "string":
      case "number":
        return { kind: "literal", pos: token.pos, value: token.value };
      case "identifier":
        if (token.text === "true" || token.text === "false") {
          return { kind: "literal", pos: token.pos, value: token.text === "true" };
        }
        if (token.text === "nil") return { kind: "literal", pos: token.pos, value: null };
        if (!this.functions.has(token.text)) {
          throw new TemplateSyntaxError(`function ${JSON.stringify(token.text)} not defined`, token.pos);
        }
        return { kind: "function", pos: token.pos, name: token.text };
      case "lparen": {
        const pipe = this.commands(token.pos, [], false, true);
        const close = this.tokens[this.index++];
        if (close?.kind !== "rparen") throw new TemplateSyntaxError("unclosed left paren", token.pos);
        return { kind: "pipe", pos: token.pos, pipe, names: this.chain() };
      }
      default:
        throw new TemplateSyntaxError(`unexpected ${JSON.stringify(token.text)} in operand`, token.pos);
    }
  }
}
