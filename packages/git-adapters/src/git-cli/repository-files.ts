import { ImageUpdaterError, type RepositoryFiles } from "@image-updater/core";
import { normalizeRepoPath } from "./paths.js";
import { isRegularFile, listTree, readBlobs, type TreeEntry } from "./tree-entries.js";

/** Files the editors read are manifests and values files; anything larger is refused. */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

interface PendingBlob {
  readonly resolve: (text: string) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A read-only view of commit `revision` in the mirror. A commit never changes, so the whole tree is listed
 * once (one `ls-tree -r`) and blobs are read once each; reads asked for in the same turn share one
 * `cat-file --batch`. An engine checking a hundred applications of one repository spawns a handful of git
 * processes instead of several per file.
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
  let queue: Map<string, PendingBlob[]> | undefined;

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

  function flush(): void {
    const batch = queue;
    queue = undefined;
    if (batch === undefined) return;
    readBlobs(gitDir, [...batch.keys()]).then(
      (blobs) => {
        for (const [sha, waiting] of batch) {
          const text = (blobs.get(sha) ?? Buffer.alloc(0)).toString("utf8");
          for (const pending of waiting) pending.resolve(text);
        }
      },
      (error: unknown) => {
        for (const [sha, waiting] of batch) {
          texts.delete(sha);
          for (const pending of waiting) pending.reject(error);
        }
      },
    );
  }

  function blobText(sha: string): Promise<string> {
    let text = texts.get(sha);
    if (text === undefined) {
      text = new Promise<string>((resolve, reject) => {
        if (queue === undefined) {
          queue = new Map();
          setImmediate(flush);
        }
        const waiting = queue.get(sha) ?? [];
        waiting.push({ resolve, reject });
        queue.set(sha, waiting);
      });
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
