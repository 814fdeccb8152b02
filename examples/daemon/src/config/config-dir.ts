import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Reads a mounted ConfigMap folder (one file per key) into a map. Kubernetes' own entries (`..data`,
 * `..2024_…`) are skipped and symlinked keys followed. A missing folder is an empty map: the ConfigMap is
 * optional, as in argocd-image-updater.
 */
export async function readConfigDir(dir: string): Promise<Record<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return {};
    throw error;
  }
  const result: Record<string, string> = {};
  for (const name of names.sort()) {
    if (name.startsWith("..")) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    result[name] = await readFile(path, "utf8");
  }
  return result;
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";
}
