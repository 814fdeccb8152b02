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

/** Exit codes: success, a failure of the world, a usage error (bad flag or value). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
