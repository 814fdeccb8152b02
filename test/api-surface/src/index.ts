export { definedTwice, type NameDefinedTwice } from "./duplicates.js";
export { starExports } from "./entry-chain.js";
export { type PublicPackage, publicPackages, repositoryRoot } from "./packages.js";
export { type PackageSurface, surfaceOf } from "./report.js";
export { createSurfaceProgram, type ExportedName, exportedNames, renderReport } from "./surface.js";
