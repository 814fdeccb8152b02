/**
 * Every adapter runs its family's suite. The public exports of each package are read with the TypeScript
 * checker; a `create*` factory whose result is one of the five adapter contracts must be named in a test file
 * that calls that family's suite. A new adapter without a conformance run fails here.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const PACKAGES = join(ROOT, "packages");

/** Contract (exported from core) → the suite its adapters must run. */
const FAMILIES = {
  RegistryClient: "describeRegistryConformance",
  GitWriter: "describeGitWriterConformance",
  ApplicationSource: "describeApplicationSourceConformance",
  SecretResolver: "describeSecretResolverConformance",
  PullRequestProvider: "describePullRequestProviderConformance",
} as const;

type Family = keyof typeof FAMILIES;

interface Factory {
  readonly name: string;
  readonly pkg: string;
  readonly family: Family;
}

function entryPoints(): string[] {
  return readdirSync(PACKAGES)
    .filter((name) => name !== "conformance")
    .map((name) => join(PACKAGES, name, "src", "index.ts"))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

/** Exported `create*` functions of every package whose (awaited) result is an adapter contract. */
function adapterFactories(): Factory[] {
  const program = ts.createProgram(entryPoints(), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    customConditions: ["@image-updater/source"],
  });
  const checker = program.getTypeChecker();
  const core = program.getSourceFile(join(PACKAGES, "core", "src", "index.ts"));
  const coreModule = core && checker.getSymbolAtLocation(core);
  if (coreModule === undefined) throw new Error("core's index.ts did not load");
  const contracts = new Map<Family, ts.Type>();
  for (const symbol of checker.getExportsOfModule(coreModule)) {
    if (symbol.name in FAMILIES) contracts.set(symbol.name as Family, checker.getDeclaredTypeOfSymbol(symbol));
  }
  const factories: Factory[] = [];
  for (const file of entryPoints()) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (module === undefined) continue;
    const pkg = relative(PACKAGES, file).split("/")[0] ?? file;
    for (const exported of checker.getExportsOfModule(module)) {
      if (!/^create[A-Z]/.test(exported.name)) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.valueDeclaration;
      if (declaration === undefined) continue;
      for (const signature of checker.getTypeOfSymbolAtLocation(symbol, declaration).getCallSignatures()) {
        const result = checker.getAwaitedType(signature.getReturnType()) ?? signature.getReturnType();
        for (const [family, contract] of contracts) {
          if (checker.isTypeAssignableTo(result, contract)) factories.push({ name: exported.name, pkg, family });
        }
      }
    }
  }
  return factories;
}

/** The conformance package's own harnesses over core's adapters. */
const HARNESS_SOURCES = [readFileSync(join(PACKAGES, "conformance", "src", "memory-harnesses.ts"), "utf8")];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "dist" ? [] : testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("every adapter runs its family's conformance suite", () => {
  const factories = adapterFactories();
  const tests = [...testFiles(PACKAGES), ...testFiles(join(ROOT, "examples"))].map((file) => ({
    file: relative(ROOT, file),
    text: readFileSync(file, "utf8"),
  }));

  it("finds the adapters of every family", () => {
    const families = new Set(factories.map((factory) => factory.family));
    expect([...families].sort()).toEqual(Object.keys(FAMILIES).sort());
  });

  /** `factory` and the conformance harnesses that make it (`memoryGitWriterHarness` for the memory writer). */
  function namesOf(factory: string): string[] {
    const harnesses = HARNESS_SOURCES.filter((text) => text.includes(`${factory}(`)).flatMap((text) =>
      [...text.matchAll(/export function (\w+)/g)].map((match) => match[1] ?? ""),
    );
    return [factory, ...harnesses];
  }

  it.each(Object.keys(FAMILIES) as Family[])("every %s factory is named in a test that runs its suite", (family) => {
    const suite = FAMILIES[family];
    const runs = (test: { text: string }, factory: string) =>
      test.text.includes(`${suite}(`) && namesOf(factory).some((name) => test.text.includes(`${name}(`));
    const missing = factories
      .filter((factory) => factory.family === family)
      .filter((factory) => !tests.some((test) => runs(test, factory.name)))
      .map((factory) => `${factory.pkg}: ${factory.name} has no ${suite}(…) run`);

    expect(missing).toEqual([]);
  });
});
