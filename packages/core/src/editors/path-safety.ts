/**
 * Every path we write resolves inside the repository: no `..` escape, no absolute path, no symbolic link
 * pointing out (each component is checked through {@link RepositoryFiles.readLink}).
 */
import { ImageUpdaterError } from "../errors.js";
import type { RepositoryFiles } from "../git/types.js";

/** Most symbolic links followed while resolving one path (as Linux's ELOOP limit). */
const MAX_LINK_HOPS = 40;

function unsafe(path: string, why: string): ImageUpdaterError {
  return new ImageUpdaterError("PATH_UNSAFE", `refusing path \`${path}\`: ${why}`);
}

/** Normalises `a/./b/../c` to `a/c`; `null` when `..` climbs above the root. */
function normalise(segments: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out;
}

/**
 * Joins `target` to the repository-relative directory `base` without touching the repository: a target
 * starting with `/` is relative to the repository root (argocd-image-updater's `helmvalues:/path`). Throws
 * `PATH_UNSAFE` for a `..` escape, a NUL byte, a backslash or a Windows drive path.
 */
export function joinRepoPath(base: string, target: string): string {
  const shown = target === "" ? base : target;
  if (/[\0\\]/.test(base + target) || /^[A-Za-z]:/.test(target)) {
    throw unsafe(shown, "write a repository-relative path with `/` separators");
  }
  const segments = target.startsWith("/") ? target.split("/") : [...base.split("/"), ...target.split("/")];
  const joined = normalise(segments);
  if (joined === null) throw unsafe(shown, "it climbs out of the repository with `..`");
  return joined.join("/");
}

/**
 * Resolves `target` against `base` like {@link joinRepoPath}, then follows symbolic links component by
 * component. Returns the real repository-relative path (`""` is the root). Throws `PATH_UNSAFE` when a link
 * is absolute or leads out of the repository, or when links loop.
 */
export async function resolveRepoPath(
  files: Pick<RepositoryFiles, "readLink">,
  base: string,
  target: string,
): Promise<string> {
  const shown = target === "" ? base : target;
  let parts = joinRepoPath(base, target)
    .split("/")
    .filter((part) => part !== "");
  let hops = 0;
  for (let i = 0; i < parts.length; i++) {
    const prefix = parts.slice(0, i + 1).join("/");
    const link = await files.readLink(prefix);
    if (link === null) continue;
    if (++hops > MAX_LINK_HOPS) throw unsafe(shown, "too many symbolic links");
    if (link.startsWith("/") || /^[A-Za-z]:/.test(link)) {
      throw unsafe(shown, `\`${prefix}\` is a symbolic link to an absolute path outside the repository`);
    }
    const next = normalise([...parts.slice(0, i), ...link.split("/"), ...parts.slice(i + 1)]);
    if (next === null) throw unsafe(shown, `\`${prefix}\` is a symbolic link leading out of the repository`);
    parts = next;
    i = -1;
  }
  return parts.join("/");
}
