import { ImageUpdaterError, type RepositoryFiles } from "@image-updater/core";
import { readMirrorBlob } from "./blob-reader.js";
import { normalizeRepoPath } from "./paths.js";
import { runGit } from "./run-git.js";
import { isRegularFile, listTree, type TreeEntry } from "./tree-entries.js";

/** Files the editors read are manifests and values files; anything larger is refused. */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * A read-only view of commit `revision` in the mirror. A commit never changes, so the whole tree is listed
 * once (one `ls-tree -r`) and blobs are read once each, all through the mirror's one `cat-file --batch`. An
 * engine checking a thousand applications of one repository spawns two git processes for reading.
 */
export function createRepositoryFiles(
  gitDir: string,
  revision: string,
  options: { readonly maxFileBytes?: number } = {},
): RepositoryFiles {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let tree: Promise<Map<string, TreeEntry>> | undefined;
  let sortedFiles: string[] | undefined;
  const texts = new Map<string, Promise<string>>();

  function entries(): Promise<Map<string, TreeEntry>> {
    tree ??= listTree(gitDir, revision, [], { recursive: true, withSizes: true }).then(
      (list) => new Map(list.map((entry) => [entry.path, entry])),
      (error: unknown) => {
        tree = undefined;
        throw error;
      },
    );
    return tree;
  }

  async function entry(path: string): Promise<TreeEntry | undefined> {
    return (await entries()).get(normalizeRepoPath(path));
  }

  function blobText(sha: string): Promise<string> {
    let text = texts.get(sha);
    if (text === undefined) {
      text = readMirrorBlob(gitDir, sha).then(
        (bytes) => bytes.toString("utf8"),
        (error: unknown) => {
          texts.delete(sha);
          throw error;
        },
      );
      texts.set(sha, text);
    }
    return text;
  }

  return {
    revision,
    async readFile(path) {
      const found = await entry(path);
      if (!found || !isRegularFile(found.mode)) return null;
      if (found.size !== undefined && found.size > maxFileBytes) {
        // Refused before it is read: a 50 MB file would cost its size several times over once parsed.
        throw new ImageUpdaterError(
          "LIMIT_EXCEEDED",
          `[git-cli] ${found.path} at ${revision.slice(0, 12)} is ${found.size} bytes, over the ${maxFileBytes}-byte limit for files the editors read; keep image references in a smaller file`,
        );
      }
      return blobText(found.sha);
    },
    async readLink(path) {
      const found = await entry(path);
      return found?.mode === "120000" ? blobText(found.sha) : null;
    },
    async authorship() {
      const { stdout } = await runGit(["log", "-1", "--format=%an%x00%ae%x00%cn%x00%ce", revision], { gitDir });
      const [authorName = "", authorEmail = "", committerName = "", committerEmail = ""] = stdout
        .toString("utf8")
        .replace(/\n$/, "")
        .split("\0");
      return {
        author: { name: authorName, email: authorEmail },
        committer: { name: committerName, email: committerEmail },
      };
    },
    async listFiles(dir) {
      const normalized = normalizeRepoPath(dir, true);
      const prefix = normalized === "" ? "" : `${normalized}/`;
      // Sorted once per view: every application of a repository lists a folder, and rescanning the whole
      // tree for each made the cost grow with applications x files.
      sortedFiles ??= [...(await entries()).values()]
        .filter((e) => isRegularFile(e.mode))
        .map((e) => e.path)
        .sort();
      return filesUnder(sortedFiles, prefix);
    },
  };
}

/** The paths of `sorted` that start with `prefix`: they form one run, found by binary search. */
function filesUnder(sorted: readonly string[], prefix: string): string[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < prefix) low = middle + 1;
    else high = middle;
  }
  let end = low;
  while (end < sorted.length && (sorted[end] as string).startsWith(prefix)) end++;
  return sorted.slice(low, end);
}
