/**
 * Compiles a bench script and the bench modules it imports to plain JavaScript beside the package's `dist/`,
 * so a measured child can run under plain Node against the packages' built `dist/` (what a deployed daemon
 * runs), without the TypeScript loader the bench itself runs under (about 32 MiB and a thread of its own).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const OUT_DIR = fileURLToPath(new URL("../dist/bench-scripts/", import.meta.url));

/**
 * Compiles the script at `moduleUrl` (a `.ts` file of this package's `src/`) and its relative imports; returns
 * the URL of the compiled script. Types are not checked here (`pnpm run typecheck` does that).
 */
export function compileBenchScript(moduleUrl: string): string {
  const entry = fileURLToPath(moduleUrl);
  const sourceDir = dirname(entry);
  mkdirSync(OUT_DIR, { recursive: true });
  const pending = [basename(entry)];
  const done = new Set<string>();
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (done.has(name)) continue;
    done.add(name);
    const source = readFileSync(join(sourceDir, name), "utf8");
    for (const imported of ts.preProcessFile(source, true, true).importedFiles) {
      // Relative imports name the compiled file ("./cost.js"); their source is the .ts beside it.
      if (imported.fileName.startsWith("./")) pending.push(imported.fileName.slice(2).replace(/\.js$/, ".ts"));
    }
    const { outputText } = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: {
        target: ts.ScriptTarget.ES2023,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
      },
    });
    writeFileSync(join(OUT_DIR, name.replace(/\.ts$/, ".js")), outputText);
  }
  return pathToFileURL(join(OUT_DIR, basename(entry).replace(/\.ts$/, ".js"))).href;
}
