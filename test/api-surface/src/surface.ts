import ts from "typescript";

/** One exported name of a package entry: what kind of thing it is and how it reads to a consumer. */
export interface ExportedName {
  readonly name: string;
  /** `function`, `const`, `class`, `interface`, `type`, `enum`, `namespace`, joined by `+` when a name is both. */
  readonly kind: string;
  /** The declaration as the checker sees it, one line per member for interfaces, classes and enums. */
  readonly signature: string;
  /** Where the exported thing is declared (`file:position`): two names with the same origin are one thing. */
  readonly origin: string;
}

const printFlags =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrayAsGenericType;

/** One program over every entry, with the repository's compiler settings, resolving workspace packages to sources. */
export function createSurfaceProgram(entries: readonly string[], configFile: string): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    configFile,
    { noEmit: true, composite: false },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${configFile}`);
  return ts.createProgram({ rootNames: [...entries], options: config.options });
}

/** The names an entry exports, sorted, each with its kind, signature and origin. */
export function exportedNames(program: ts.Program, entry: string): ExportedName[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`${entry} is not part of the program`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((exported) => describe(checker, exported))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function describe(checker: ts.TypeChecker, exported: ts.Symbol): ExportedName {
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const name = exported.name;
  const parts: { kind: string; text: string }[] = [];
  const flags = target.flags;
  if (flags & ts.SymbolFlags.Function) parts.push({ kind: "function", text: functionText(checker, name, target) });
  if (flags & ts.SymbolFlags.Variable) parts.push({ kind: "const", text: constText(checker, name, target) });
  if (flags & ts.SymbolFlags.Class) parts.push({ kind: "class", text: classText(checker, name, target) });
  if (flags & ts.SymbolFlags.Interface) parts.push({ kind: "interface", text: interfaceText(checker, name, target) });
  if (flags & ts.SymbolFlags.TypeAlias) parts.push({ kind: "type", text: aliasText(checker, name, target) });
  if (flags & ts.SymbolFlags.Enum) parts.push({ kind: "enum", text: enumText(checker, name, target) });
  if (flags & ts.SymbolFlags.Module && parts.length === 0) parts.push({ kind: "namespace", text: `namespace ${name}` });
  const declaration = target.declarations?.[0];
  const origin = declaration ? `${declaration.getSourceFile().fileName}:${declaration.getStart()}` : `?:${name}`;
  return {
    name,
    kind: parts.map((part) => part.kind).join("+") || "unknown",
    signature: parts.map((part) => part.text).join("\n"),
    origin,
  };
}

function typeParameters(symbol: ts.Symbol): string {
  const declaration = symbol.declarations?.find(
    (node): node is ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration =>
      ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isClassDeclaration(node),
  );
  const parameters = declaration?.typeParameters;
  return parameters?.length ? `<${parameters.map((p) => squash(p.getText())).join(", ")}>` : "";
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

function functionText(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): string {
  const type = checker.getTypeOfSymbol(symbol);
  return type
    .getCallSignatures()
    .map((signature) => `function ${name}${checker.signatureToString(signature, undefined, printFlags)}`)
    .join("\n");
}

function constText(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): string {
  return `const ${name}: ${checker.typeToString(checker.getTypeOfSymbol(symbol), undefined, printFlags)}`;
}

function aliasText(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): string {
  const declaration = symbol.declarations?.find(ts.isTypeAliasDeclaration);
  const type = declaration ? checker.getTypeFromTypeNode(declaration.type) : checker.getDeclaredTypeOfSymbol(symbol);
  const text = checker.typeToString(type, declaration, printFlags | ts.TypeFormatFlags.InTypeAlias);
  return `type ${name}${typeParameters(symbol)} = ${text}`;
}

function memberLines(checker: ts.TypeChecker, type: ts.Type, skip: (member: ts.Symbol) => boolean): string[] {
  const lines: string[] = [];
  for (const signature of type.getCallSignatures())
    lines.push(checker.signatureToString(signature, undefined, printFlags));
  for (const info of checker.getIndexInfosOfType(type)) {
    const key = checker.typeToString(info.keyType, undefined, printFlags);
    lines.push(`[key: ${key}]: ${checker.typeToString(info.type, undefined, printFlags)}`);
  }
  for (const member of checker.getPropertiesOfType(type)) {
    if (skip(member) || isInheritedFromLibrary(member)) continue;
    const optional = member.flags & ts.SymbolFlags.Optional ? "?" : "";
    const readonly = isReadonly(member) ? "readonly " : "";
    const memberType = checker.typeToString(checker.getTypeOfSymbol(member), undefined, printFlags);
    lines.push(`${readonly}${member.name}${optional}: ${memberType}`);
  }
  return lines;
}

/** Members a class or interface inherits from the platform (`Error`'s `stack`, Node's `captureStackTrace`) are
 * not ours; the heritage clause in the heading shows the extension instead. */
function isInheritedFromLibrary(member: ts.Symbol): boolean {
  const declarations = member.declarations ?? [];
  return declarations.length > 0 && declarations.every((node) => node.getSourceFile().isDeclarationFile);
}

/** `extends X` / `implements Y` as written, so a changed base shows in the report. */
function heritage(symbol: ts.Symbol): string {
  const clauses = (symbol.declarations ?? []).flatMap((node) =>
    ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) ? [...(node.heritageClauses ?? [])] : [],
  );
  return clauses.map((clause) => ` ${squash(clause.getText())}`).join("");
}

function isReadonly(member: ts.Symbol): boolean {
  return (member.declarations ?? []).some(
    (node) => (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Readonly) !== 0,
  );
}

const block = (head: string, lines: readonly string[]) =>
  lines.length === 0 ? `${head} {}` : `${head} {\n${lines.map((line) => `  ${line}`).join("\n")}\n}`;

function interfaceText(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): string {
  const lines = memberLines(checker, checker.getDeclaredTypeOfSymbol(symbol), () => false);
  return block(`interface ${name}${typeParameters(symbol)}${heritage(symbol)}`, lines);
}

/** Members a consumer cannot reach are not surface. */
function isHidden(member: ts.Symbol): boolean {
  if (member.name.startsWith("#") || member.name === "prototype") return true;
  return (member.declarations ?? []).some(
    (node) => (ts.getCombinedModifierFlags(node) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0,
  );
}

function classText(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): string {
  const staticType = checker.getTypeOfSymbol(symbol);
  const lines = [
    ...staticType
      .getConstructSignatures()
      .map((signature) => `constructor${checker.signatureToString(signature, undefined, printFlags)}`),
    ...memberLines(checker, staticType, isHidden).map((line) => `static ${line}`),
    ...memberLines(checker, checker.getDeclaredTypeOfSymbol(symbol), isHidden),
  ];
  return block(`class ${name}${typeParameters(symbol)}${heritage(symbol)}`, [...new Set(lines)]);
}

function enumText(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): string {
  const members = checker.getExportsOfModule(symbol).map((member) => member.name);
  return block(`enum ${name}`, members);
}

/** The committed report of one package: a heading, then every export's signature, blank-line separated. */
export function renderReport(packageName: string, names: readonly ExportedName[]): string {
  const heading = `# ${packageName}: ${names.length} exported names. Regenerate with \`pnpm api:update\`.`;
  return `${[heading, ...names.map((name) => name.signature)].join("\n\n")}\n`;
}
