import type { RepositoryFiles } from "../src/index.js";

/** A branch held in memory: plain data behind `RepositoryFiles` (no service involved), for pure reader tests. */
export function memoryFiles(tree: Readonly<Record<string, string>>): RepositoryFiles {
  return {
    revision: "0".repeat(40),
    readFile: async (path) => tree[path] ?? null,
    listFiles: async (dir) =>
      Object.keys(tree)
        .filter((path) => dir === "" || path.startsWith(`${dir}/`))
        .sort(),
    readLink: async () => null,
  };
}
