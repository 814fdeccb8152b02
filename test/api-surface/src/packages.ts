import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository root, two levels above this room. */
export const repositoryRoot = resolve(import.meta.dirname, "../../..");

/** A package we publish: its name, its directory and the entry its `src/index.ts` is. */
export interface PublicPackage {
  readonly name: string;
  readonly dir: string;
  readonly entry: string;
  /** Where its API report is committed. */
  readonly reportFile: string;
}

/** Every non-private package under `packages/`, sorted by name (the same rule the packed-package check uses). */
export function publicPackages(root = repositoryRoot): PublicPackage[] {
  const packagesDir = join(root, "packages");
  return readdirSync(packagesDir)
    .map((entry) => join(packagesDir, entry))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({
      name: manifest.name as string,
      dir,
      entry: join(dir, "src", "index.ts"),
      reportFile: join(dir, "api.txt"),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
