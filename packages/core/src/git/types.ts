/**
 * The git contract: read a branch's files, write one commit, push it without losing anyone's work, and
 * open a pull request when asked. Implemented by git-adapters.
 */
import type { RequestOptions } from "../registry/types.js";

/** Credentials for a git remote. Never written into a repository config, a command line or a log. */
export type GitCredentials =
  | {
      readonly kind: "ssh";
      /** PEM/OpenSSH private key text (the seed's `sshPrivateKey`). */
      readonly privateKey: string;
      /** known_hosts lines. Absent: the system's known_hosts. */
      readonly knownHosts?: string;
      /** Explicit opt-out of host key checking. @default false */
      readonly insecureIgnoreHostKey?: boolean;
    }
  | { readonly kind: "https"; readonly username: string; readonly password: string };

/** A remote repository plus how to authenticate to it. */
export interface GitRepository {
  /** Clone URL (`https://…`, `ssh://…`, `git@host:path`). */
  readonly url: string;
  readonly credentials?: GitCredentials;
}

/** A read-only view of a repository at one commit. Paths are repository-relative with `/`. */
export interface RepositoryFiles {
  /** Commit the view shows. */
  readonly revision: string;
  /** File text, or `null` when the path does not exist or is not a regular file. */
  readFile(path: string): Promise<string | null>;
  /** Every regular file under `dir` (recursive), repository-relative and sorted. `""` is the root. */
  listFiles(dir: string): Promise<readonly string[]>;
  /** Target of a symbolic link at `path`, or `null` when it is not one. */
  readLink(path: string): Promise<string | null>;
  /**
   * Author and committer of {@link revision}, so the engine can tell a branch whose tip it wrote from one
   * someone else moved. Absent when the view cannot tell; the engine then treats the tip as someone else's.
   */
  authorship?(): Promise<CommitAuthorship>;
}

/** Who wrote a commit. */
export interface CommitAuthorship {
  readonly author: GitIdentity;
  readonly committer: GitIdentity;
}

/**
 * One file change. `edit` is recomputed against the current tip on every push attempt, so a rebase after
 * someone else's push re-applies our change on top of theirs instead of overwriting it.
 */
export type FileChange =
  | { readonly type: "write"; readonly path: string; readonly contents: string }
  | { readonly type: "delete"; readonly path: string }
  | {
      readonly type: "edit";
      readonly path: string;
      /** Current text (`null` when absent) → new text (`null` deletes; the same text is a no-op). MUST be pure. */
      readonly apply: (current: string | null) => string | null;
    };

/** Commit author and committer. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** How to sign commits. */
export interface CommitSigning {
  /** `openpgp` (gpg key id) or `ssh` (path to a private key). */
  readonly method: "openpgp" | "ssh";
  readonly key: string;
}

/** A commit to make and push. */
export interface CommitRequest {
  readonly repository: GitRepository;
  /** Branch that receives the commit. */
  readonly branch: string;
  /** Branch to start `branch` from when it does not exist yet. Absent: `branch` must exist. */
  readonly baseBranch?: string;
  readonly message: string;
  readonly author: GitIdentity;
  /** Add a `Signed-off-by` trailer. @default false */
  readonly signOff?: boolean;
  readonly signing?: CommitSigning;
  readonly changes: readonly FileChange[];
  /**
   * Retries shared with the other commits of one cycle: a lost race is retried only while this budget (and
   * the writer's own attempt limit) allows. Absent: the writer's limit alone.
   */
  readonly retryBudget?: PushRetryBudget;
}

/** Push retries that several commits draw from, so racing remotes cannot stretch one cycle without end. */
export interface PushRetryBudget {
  /** Takes one retry; `false` when none is left, and the push gives up. */
  take(): boolean;
  /** Retries left. */
  readonly remaining: number;
}

/** What a commit call did. */
export interface CommitResult {
  /** The pushed commit, or `null` when every change was already in place and nothing was committed. */
  readonly sha: string | null;
  readonly branch: string;
  /** The branch did not exist on the remote before. */
  readonly branchCreated: boolean;
  /** Push attempts made (1 when nobody raced us). */
  readonly attempts: number;
}

/** Writes commits to git remotes. */
export interface GitWriter {
  /** Adapter id: `git-cli`. */
  readonly id: string;
  /** The remote's default branch (what `HEAD` points at). */
  defaultBranch(repository: GitRepository, options?: RequestOptions): Promise<string>;
  /** A view of `branch`'s tip, or `null` when the branch does not exist. */
  openBranch(repository: GitRepository, branch: string, options?: RequestOptions): Promise<RepositoryFiles | null>;
  /**
   * Applies `changes` as exactly one commit on `branch` and pushes it. A push that loses a race is rebased
   * and retried a bounded number of times (and only while `request.retryBudget` allows), then rejects with a
   * `PushGaveUpError` (`GIT_CONFLICT`). Never force-pushes a branch it
   * did not create. Resolves `sha: null` without committing when nothing changes.
   */
  commit(request: CommitRequest, options?: RequestOptions): Promise<CommitResult>;
  /** Releases locks and temp files. Idempotent. */
  dispose?(): Promise<void>;
}

/** A pull (merge) request to open or update. */
export interface PullRequestRequest {
  readonly repository: GitRepository;
  /** Branch with our commit. */
  readonly head: string;
  /** Branch to merge into. */
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly labels?: readonly string[];
  /**
   * Update title, body and labels of an open pull request for `head` and `base`. `false`: an open one is
   * answered as it is, after one lookup (nothing was committed, so there is nothing new to say). @default true
   */
  readonly updateOpen?: boolean;
}

/** The pull request after the call. */
export interface PullRequestResult {
  readonly url: string;
  readonly number: number;
  /** False when an open pull request for `head` already existed and was updated instead. */
  readonly created: boolean;
  /** Parts that failed without failing the call (e.g. labels could not be set). Absent when none. */
  readonly warnings?: readonly string[];
}

/** A Git host API that opens pull requests (GitHub, GitLab, Gitea) or a webhook that does. */
export interface PullRequestProvider {
  /** Provider id: `github`, `gitlab`, `gitea`, `webhook`. */
  readonly id: string;
  /** Opens a pull request for `head`, or updates the open one; never opens a duplicate. */
  openOrUpdate(request: PullRequestRequest, options?: RequestOptions): Promise<PullRequestResult>;
}
