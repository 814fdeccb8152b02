/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  /** Writes to standard output (text as given, no newline added). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGTERM/SIGINT: `run` finishes its cycle and exits. */
  readonly signal?: AbortSignal;
}

/**
 * Exit codes: success; a failure of the world (a file named by flag unreadable, the engine could not start);
 * a usage error (bad flag or value); `run --once` found no applications folder; `run --once` checked
 * applications and every one of them failed.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, noApplications: 3, allApplicationsFailed: 4 } as const;
