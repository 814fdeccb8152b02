import { join } from "node:path";
import { starExports } from "./entry-chain.js";
import { type PublicPackage, publicPackages, repositoryRoot } from "./packages.js";
import { createSurfaceProgram, type ExportedName, exportedNames, renderReport } from "./surface.js";

/** One package's exported names and the report text they render to. */
export interface PackageSurface {
  readonly package: PublicPackage;
  readonly names: readonly ExportedName[];
  readonly report: string;
  /** Every `export *` on the way from the entry to its declarations; the public surface lists names instead. */
  readonly starExports: readonly string[];
}

/** The surface of every public package, from one program so that a re-export resolves to its one declaration. */
export function surfaceOf(root = repositoryRoot): PackageSurface[] {
  const packages = publicPackages(root);
  const program = createSurfaceProgram(
    packages.map((pkg) => pkg.entry),
    join(root, "tsconfig.base.json"),
  );
  return packages.map((pkg) => {
    const names = exportedNames(program, pkg.entry);
    return { package: pkg, names, report: renderReport(pkg.name, names), starExports: starExports(program, pkg.entry) };
  });
}
