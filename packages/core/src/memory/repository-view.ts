/** The read-only view of one memory commit that `openBranch` hands out. */
import type { RepositoryFiles } from "../git/types.js";
import type { MemoryCommit } from "./git-remote.js";

/** A {@link RepositoryFiles} over `commit`'s files. */
export function repositoryView(commit: MemoryCommit): RepositoryFiles {
  const { files } = commit;
  return {
    revision: commit.sha,
    async readFile(path) {
      const file = files.get(path);
      return typeof file === "string" ? file : null;
    },
    async listFiles(dir) {
      const prefix = dir === "" ? "" : `${dir.replace(/\/+$/, "")}/`;
      return [...files]
        .filter(([path, file]) => typeof file === "string" && path.startsWith(prefix))
        .map(([path]) => path)
        .sort();
    },
    async readLink(path) {
      const file = files.get(path);
      return typeof file === "object" ? file.symlink : null;
    },
    async authorship() {
      return { author: commit.author, committer: commit.committer };
    },
  };
}
