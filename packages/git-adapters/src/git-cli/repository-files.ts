import type { RepositoryFiles } from "@image-updater/core";
import { normalizeRepoPath } from "./paths.js";
import { isRegularFile, listTree, readBlobs } from "./tree-entries.js";

/** A read-only view of commit `revision` in the mirror, read with `ls-tree` and `cat-file`. */
export function createRepositoryFiles(gitDir: string, revision: string): RepositoryFiles {
  async function entry(path: string) {
    const normalized = normalizeRepoPath(path);
    const [found] = await listTree(gitDir, revision, [normalized]);
    return found?.path === normalized ? found : undefined;
  }
  async function blobText(sha: string): Promise<string> {
    const blobs = await readBlobs(gitDir, [sha]);
    return (blobs.get(sha) ?? Buffer.alloc(0)).toString("utf8");
  }
  return {
    revision,
    async readFile(path) {
      const found = await entry(path);
      return found && isRegularFile(found.mode) ? blobText(found.sha) : null;
    },
    async readLink(path) {
      const found = await entry(path);
      return found?.mode === "120000" ? blobText(found.sha) : null;
    },
    async listFiles(dir) {
      const normalized = normalizeRepoPath(dir, true);
      const entries = await listTree(gitDir, revision, normalized === "" ? [] : [normalized], { recursive: true });
      const prefix = normalized === "" ? "" : `${normalized}/`;
      return entries
        .filter((e) => isRegularFile(e.mode) && e.path.startsWith(prefix))
        .map((e) => e.path)
        .sort();
    },
  };
}
