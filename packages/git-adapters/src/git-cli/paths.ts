import { ImageUpdaterError } from "@image-updater/core";

/**
 * Normalises a repository-relative path (`./a//b` → `a/b`) and refuses one that could leave the repository
 * or touch git's own data. `""` (the root) is allowed only when `allowRoot`.
 */
export function normalizeRepoPath(path: string, allowRoot = false): string {
  const segments = path
    .replace(/\\/g, "/")
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".");
  const unsafe = segments.some((segment) => segment === ".." || segment.toLowerCase() === ".git");
  if (unsafe || path.includes("\0") || (segments.length === 0 && !allowRoot)) {
    throw new ImageUpdaterError(
      "PATH_UNSAFE",
      `[git-cli] path ${JSON.stringify(path)} must be a file inside the repository (no "..", no ".git")`,
    );
  }
  return segments.join("/");
}
