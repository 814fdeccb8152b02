import ts from "typescript";

/** Every `export *` (and `export type *`) reached from an entry through its re-exports: file and statement. */
export function starExports(program: ts.Program, entry: string): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (file: ts.SourceFile) => {
    if (seen.has(file.fileName)) return;
    seen.add(file.fileName);
    for (const statement of file.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
      if (!statement.exportClause || ts.isNamespaceExport(statement.exportClause)) {
        found.push(`${file.fileName}: ${statement.getText(file)}`);
      }
      const target = checker.getSymbolAtLocation(statement.moduleSpecifier)?.valueDeclaration;
      if (target && ts.isSourceFile(target) && !target.isDeclarationFile) visit(target);
    }
  };
  const source = program.getSourceFile(entry);
  if (source) visit(source);
  return found;
}
