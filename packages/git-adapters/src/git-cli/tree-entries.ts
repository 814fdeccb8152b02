import { runGit } from "./run-git.js";

/** One `git ls-tree` entry. */
export interface TreeEntry {
  /** `100644`, `100755` (regular files), `120000` (symlink), `040000` (tree), `160000` (submodule). */
  readonly mode: string;
  readonly type: string;
  readonly sha: string;
  readonly path: string;
  /** Blob size in bytes, when listed with `withSizes`. */
  readonly size?: number;
}

/** True for the modes git uses for regular files. */
export function isRegularFile(mode: string): boolean {
  return mode === "100644" || mode === "100755";
}

/** Entries of `revision` matching `paths` (exact paths; `recursive` descends into trees). */
export async function listTree(
  gitDir: string,
  revision: string,
  paths: readonly string[],
  options: { readonly recursive?: boolean; readonly withSizes?: boolean; readonly signal?: AbortSignal } = {},
): Promise<TreeEntry[]> {
  const args = [
    "ls-tree",
    "-z",
    "--full-tree",
    ...(options.recursive ? ["-r"] : []),
    ...(options.withSizes ? ["-l"] : []),
    revision,
  ];
  if (paths.length > 0) args.push("--", ...paths);
  const { stdout } = await runGit(args, { gitDir, ...(options.signal ? { signal: options.signal } : {}) });
  const entries: TreeEntry[] = [];
  for (const record of stdout.toString("utf8").split("\0")) {
    const match = /^(?<mode>\d+) (?<type>\w+) (?<sha>[0-9a-f]+)(?: +(?<size>\d+|-))?\t(?<path>.*)$/s.exec(record);
    if (match?.groups) {
      const { mode, type, sha, path, size } = match.groups as Record<string, string>;
      const bytes = size === undefined || size === "-" ? undefined : Number(size);
      entries.push({
        mode: mode ?? "",
        type: type ?? "",
        sha: sha ?? "",
        path: path ?? "",
        ...(bytes === undefined ? {} : { size: bytes }),
      });
    }
  }
  return entries;
}

/** Contents of blobs by sha, read through one `git cat-file --batch` process. */
export async function readBlobs(
  gitDir: string,
  shas: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  const unique = [...new Set(shas)];
  const blobs = new Map<string, Buffer>();
  if (unique.length === 0) return blobs;
  const { stdout } = await runGit(["cat-file", "--batch"], {
    gitDir,
    input: `${unique.join("\n")}\n`,
    ...(signal ? { signal } : {}),
  });
  let offset = 0;
  for (const sha of unique) {
    const headerEnd = stdout.indexOf(0x0a, offset);
    const header = stdout.subarray(offset, headerEnd).toString("utf8");
    const match = /^(?<sha>[0-9a-f]+) (?<type>\w+) (?<size>\d+)$/.exec(header);
    if (!match?.groups) throw new Error(`unexpected cat-file output for ${sha}`);
    const size = Number(match.groups.size);
    blobs.set(sha, stdout.subarray(headerEnd + 1, headerEnd + 1 + size));
    offset = headerEnd + 1 + size + 1;
  }
  return blobs;
}
