/**
 * A git remote held in memory: commits with one parent each, branches pointing at them, a default branch,
 * and the refusals a real host makes (protected branches, non-fast-forward updates when denied). The memory
 * git writer pushes to it; tests seed it, commit to it as another client would, and read it back.
 */
import { createHash } from "node:crypto";
import type { CommitSigning, GitCredentials, GitIdentity } from "../git/types.js";

/** A file at a commit: text, or the target of a symbolic link. */
export type MemoryFile = string | { readonly symlink: string };

/** A commit as the remote stores it. */
export interface MemoryCommit {
  readonly sha: string;
  readonly parent: string | null;
  /** First line of the message. */
  readonly subject: string;
  /** The message after the subject and its blank line. */
  readonly body: string;
  readonly author: GitIdentity;
  readonly committer: GitIdentity;
  readonly signing?: CommitSigning;
  readonly files: ReadonlyMap<string, MemoryFile>;
}

/** Another client, for commits a test makes "from outside". */
export const MEMORY_EXTERNAL_AUTHOR: GitIdentity = { name: "Someone Else", email: "someone@example.com" };

/** Why a push was refused. */
export type PushRefusal = "race" | "protected" | "non-fast-forward";

/** A remote repository in memory. */
export interface MemoryRemote {
  readonly url: string;
  /** What `HEAD` points at. @default "main" */
  defaultBranch: string;
  /** Refuse updates that do not descend from the current tip, as `receive.denyNonFastForwards` does. */
  denyNonFastForward: boolean;
  /** Credentials the remote accepts; absent: any (or none). */
  credentials: GitCredentials | undefined;
  /** Tip of `branch`, or `null`. */
  tip(branch: string): string | null;
  /** Every branch and its tip. */
  branches(): ReadonlyMap<string, string>;
  /** A stored commit by sha. */
  get(sha: string): MemoryCommit | undefined;
  /** Text of `path` on `branch`; `null` when the branch or file is missing or the path is a symlink. */
  read(branch: string, path: string): string | null;
  /** First-parent history of `branch`, newest first (empty when the branch does not exist). */
  log(branch: string): readonly MemoryCommit[];
  /**
   * Commits `files` on top of `branch` (a root commit when it does not exist) as another client's push would;
   * `null` deletes a path. Resolves the new sha.
   */
  commit(
    branch: string,
    files: Readonly<Record<string, MemoryFile | null>>,
    message: string,
    author?: GitIdentity,
  ): string;
  /** Refuses every update of `branch` from now on, as a protected branch on a Git host does. */
  protect(branch: string): void;
  /** Stores a commit without moving any branch (what a writer builds before it pushes). */
  store(commit: Omit<MemoryCommit, "sha">): MemoryCommit;
  /** Moves `branch` from exactly `expected` to `sha`, or says why not. */
  update(branch: string, sha: string, expected: string | null): PushRefusal | null;
  /** `ancestor` is `descendant` or one of its first parents. */
  isAncestor(ancestor: string, descendant: string): boolean;
}

let sequence = 0;

/** Creates an empty {@link MemoryRemote} whose HEAD points at `main`. */
export function createMemoryRemote(url: string): MemoryRemote {
  const commits = new Map<string, MemoryCommit>();
  const refs = new Map<string, string>();
  const protectedBranches = new Set<string>();

  function store(commit: Omit<MemoryCommit, "sha">): MemoryCommit {
    // A counter in the hash keeps two identical commits apart, as timestamps do in git.
    const content = JSON.stringify({ ...commit, files: [...commit.files], n: sequence++ });
    const stored = { ...commit, sha: createHash("sha1").update(content).digest("hex") };
    commits.set(stored.sha, stored);
    return stored;
  }

  function isAncestor(ancestor: string, descendant: string): boolean {
    for (let sha: string | null = descendant; sha !== null; sha = commits.get(sha)?.parent ?? null) {
      if (sha === ancestor) return true;
    }
    return false;
  }

  function update(branch: string, sha: string, expected: string | null): PushRefusal | null {
    if (protectedBranches.has(branch)) return "protected";
    const current = refs.get(branch) ?? null;
    if (current !== expected) return "race";
    if (remote.denyNonFastForward && current !== null && !isAncestor(current, sha)) return "non-fast-forward";
    refs.set(branch, sha);
    return null;
  }

  const remote: MemoryRemote = {
    url,
    defaultBranch: "main",
    denyNonFastForward: false,
    credentials: undefined,
    tip: (branch) => refs.get(branch) ?? null,
    branches: () => new Map(refs),
    get: (sha) => commits.get(sha),
    read(branch, path) {
      const sha = refs.get(branch);
      const file = sha === undefined ? undefined : commits.get(sha)?.files.get(path);
      return typeof file === "string" ? file : null;
    },
    log(branch) {
      const history: MemoryCommit[] = [];
      for (let sha = refs.get(branch) ?? null; sha !== null; ) {
        const commit = commits.get(sha);
        if (commit === undefined) break;
        history.push(commit);
        sha = commit.parent;
      }
      return history;
    },
    commit(branch, files, message, author = MEMORY_EXTERNAL_AUTHOR) {
      const parent = refs.get(branch) ?? null;
      const tree = new Map(parent === null ? [] : commits.get(parent)?.files);
      for (const [path, file] of Object.entries(files)) {
        if (file === null) tree.delete(path);
        else tree.set(path, file);
      }
      const [subject = "", ...rest] = message.split("\n");
      const body = rest.join("\n").replace(/^\n/, "");
      const stored = store({ parent, subject, body, author, committer: author, files: tree });
      refs.set(branch, stored.sha);
      return stored.sha;
    },
    protect(branch) {
      protectedBranches.add(branch);
    },
    store,
    update,
    isAncestor,
  };
  return remote;
}
