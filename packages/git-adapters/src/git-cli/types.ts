/** Git operations the writer reports: the ones that cost a round trip to the remote, or a new commit. */
export type GitOperation = "clone" | "fetch" | "ls-remote" | "commit" | "push";

/** One git operation, reported through {@link CliGitWriterOptions.onOperation}. */
export interface GitOperationEvent {
  readonly operation: GitOperation;
  /** Repository URL without userinfo. */
  readonly repoUrl: string;
  readonly branch?: string;
  /** False when the operation failed (a rejected push included). */
  readonly ok: boolean;
  readonly durationMs: number;
}

/** Handed to {@link CliGitWriterOptions.beforePush} once per push attempt. */
export interface BeforePushContext {
  readonly repoUrl: string;
  readonly branch: string;
  /** 1 for the first push attempt. */
  readonly attempt: number;
  /** The commit about to be pushed. */
  readonly sha: string;
  /** The remote tip the commit was built on (its parent), as last fetched. */
  readonly parent: string;
}

/** Options of {@link createCliGitWriter}. */
export interface CliGitWriterOptions {
  /**
   * Directory holding one bare mirror per remote (named by a hash of the URL without userinfo) and its lock.
   * @default `$XDG_CACHE_HOME/image-updater/git` (else `~/.cache/image-updater/git`)
   */
  readonly cacheDir?: string;
  /** Push attempts (each after a fresh fetch and rebuild) before rejecting with `GIT_CONFLICT`. @default 5 */
  readonly maxAttempts?: number;
  /**
   * Before push attempt n (n ≥ 2), wait a random time up to `retryDelayMs × 2^(n-2)` (at most 5 s), so racing
   * writers spread out instead of colliding again. @default 100
   */
  readonly retryDelayMs?: number;
  /** Source of the jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Skip the fetch before a commit when this writer fetched the mirror less than this long ago. @default 0 */
  readonly fetchReuseMs?: number;
  /** Kills a network git command (fetch, push, ls-remote) after this long, rejecting with `TIMEOUT`. @default 300000 */
  readonly timeoutMs?: number;
  /**
   * A network git command whose transfer moves no byte for this long is cut (HTTP: `http.lowSpeedTime`; ssh:
   * `ConnectTimeout` and server keep-alives), so a remote that accepts and never answers fails in seconds.
   * @default 30000
   */
  readonly stallTimeoutMs?: number;
  /** Files larger than this are refused by `RepositoryFiles.readFile` with `LIMIT_EXCEEDED`. @default 8 MiB */
  readonly maxFileBytes?: number;
  /** How long to wait for another process holding the mirror's lock before `GIT_UNAVAILABLE`. @default 600000 */
  readonly lockTimeoutMs?: number;
  /** Extra environment for every git process, e.g. `GNUPGHOME` for signing or `GIT_SSL_CAINFO`. Not for secrets. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called after each clone, fetch, ls-remote, commit and push: the cheap way to count git work. */
  readonly onOperation?: (event: GitOperationEvent) => void;
  /** Called after a commit is built and before it is pushed (each attempt). Lets a test push in between. */
  readonly beforePush?: (context: BeforePushContext) => void | Promise<void>;
}
