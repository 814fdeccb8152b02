import { spawn } from "node:child_process";
import { ImageUpdaterError } from "@image-updater/core";
import { baseGitEnv } from "./child-env.js";
import { scrubSecrets } from "./scrub.js";

export { baseGitEnv } from "./child-env.js";

/** How to run one git process. */
export interface GitProcessOptions {
  /** `--git-dir` of the command; absent for commands that need no repository (`ls-remote`). */
  readonly gitDir?: string;
  /** Variables added to the child's environment (credentials travel here, never in argv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the child's stdin, then stdin is closed. */
  readonly input?: string | Buffer;
  readonly signal?: AbortSignal;
  /** Kills the process after this many milliseconds and rejects with `TIMEOUT`. */
  readonly timeoutMs?: number;
  /**
   * An HTTP transfer that moves no byte for this long is cut by git itself (`http.lowSpeedTime`), so a remote
   * that accepts the connection and never answers fails fast instead of waiting for `timeoutMs`.
   */
  readonly stallTimeoutMs?: number;
  /** Strings removed from any text that leaves this module. */
  readonly secrets?: readonly string[];
}

/** Output of a git process that exited 0. */
export interface GitProcessResult {
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** A git process exited non-zero. `stderr` and `command` are already scrubbed of secrets. */
export class GitCommandError extends Error {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  /** Standard output, scrubbed: `push --porcelain` reports rejected refs here. */
  readonly stdout: string;

  constructor(command: string, exitCode: number | null, stderr: string, stdout = "") {
    super(`git ${command} exited ${exitCode ?? "by signal"}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    this.name = "GitCommandError";
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

/** Runs `git args…` without a shell and resolves its output, or rejects with {@link GitCommandError}. */
export function runGit(args: readonly string[], options: GitProcessOptions = {}): Promise<GitProcessResult> {
  const argv = options.gitDir === undefined ? [...args] : [`--git-dir=${options.gitDir}`, ...args];
  const secrets = options.secrets ?? [];
  const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  const command = scrubSecrets(args.slice(0, 2).join(" "), secrets);
  if (options.signal?.aborted) return Promise.reject(abortedError(command));

  return new Promise((resolve, reject) => {
    // Its own process group, so that abort and timeout reach the helpers it starts (`git remote-http`,
    // `ssh`), which outlive the direct child and would keep the process alive.
    const child = spawn("git", argv, {
      env: { ...baseGitEnv(), ...stallEnv(options.stallTimeoutMs), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is gone already.
      }
    };
    // The promise settles on `close`, once the group is gone: the next git in this mirror never races it.
    signal?.addEventListener("abort", killGroup, { once: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let settled = false;
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      reject(error);
    }
    child.on("error", (error: NodeJS.ErrnoException) => {
      fail(new ImageUpdaterError("GIT_FAILED", `git ${command} could not start: ${error.code ?? error.message}`));
    });
    child.on("close", (code) => {
      signal?.removeEventListener("abort", killGroup);
      if (settled) return;
      const errText = scrubSecrets(Buffer.concat(stderr).toString("utf8"), secrets);
      if (code === 0) {
        // Finished before the kill took effect: its work is done and must be reported as done.
        settled = true;
        resolve({ stdout: Buffer.concat(stdout), stderr: errText });
      } else if (timeout?.aborted) {
        fail(new ImageUpdaterError("TIMEOUT", `git ${command} timed out`, { retryable: true }));
      } else if (options.signal?.aborted) {
        fail(abortedError(command));
      } else {
        const outText = scrubSecrets(Buffer.concat(stdout).toString("utf8"), secrets);
        fail(new GitCommandError(command, code, errText, outText));
      }
    });
    // A child that exits before reading stdin must not crash us with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

function stallEnv(stallTimeoutMs: number | undefined): Record<string, string> {
  if (stallTimeoutMs === undefined || stallTimeoutMs <= 0) return {};
  return {
    GIT_HTTP_LOW_SPEED_LIMIT: "1",
    GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil(stallTimeoutMs / 1000))),
  };
}

function abortedError(command: string): ImageUpdaterError {
  return new ImageUpdaterError("ABORTED", `git ${command} aborted`);
}
