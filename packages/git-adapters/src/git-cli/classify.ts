import { type ErrorCode, GitWriteError, ImageUpdaterError } from "@image-updater/core";
import { GitCommandError } from "./run-git.js";

const AUTH = [
  /authentication failed/i,
  /could not read (?:username|password)/i,
  /terminal prompts disabled/i,
  /permission denied \(publickey/i,
  /host key verification failed/i,
  /no .*host key is known/i,
  /returned error: 40[13]/i,
  /http (?:basic: )?access denied/i,
  /invalid (?:username or password|credentials)/i,
];

const UNAVAILABLE = [
  /could not resolve host/i,
  /connection (?:refused|reset|timed out|closed)/i,
  /failed to connect/i,
  /operation timed out/i,
  /returned error: 5\d\d/i,
  /returned error: 429/i,
  /ssh: connect to host/i,
  /early eof/i,
  /the remote end hung up unexpectedly/i,
  /unable to access/i,
  /kex_exchange_identification/i,
  /temporary failure/i,
];

const NOT_FOUND = [/repository .*not found/i, /does not appear to be a git repository/i, /returned error: 404/i];

/** A push refused because the remote moved: the caller fetches, rebuilds and tries again. */
export function isPushRace(error: unknown): boolean {
  if (!(error instanceof GitCommandError)) return false;
  return /\[rejected\]|\(fetch first\)|non-fast-forward|stale info|\[remote rejected\].*(?:failed to update ref|cannot lock ref|incorrect old value)/i.test(
    `${error.stdout}\n${error.stderr}`,
  );
}

/** A fetch that failed only because the branch it asked for does not exist. */
export function isMissingRef(error: unknown): boolean {
  return error instanceof GitCommandError && /couldn't find remote ref/i.test(error.stderr);
}

/** Turns anything a git call threw into a typed {@link GitWriteError}; typed errors pass through. */
export function toGitWriteError(
  error: unknown,
  context: { readonly operation: string; readonly repoUrl: string; readonly branch?: string },
): ImageUpdaterError {
  if (error instanceof ImageUpdaterError) return error;
  const options = { repoUrl: context.repoUrl, cause: error, ...(context.branch ? { branch: context.branch } : {}) };
  const where = `[git-cli] ${context.operation} ${context.repoUrl}${context.branch ? ` (${context.branch})` : ""}`;
  if (!(error instanceof GitCommandError)) {
    const text = error instanceof Error ? error.message : String(error);
    return new GitWriteError("GIT_FAILED", `${where}: ${text}`, options);
  }
  const detail = lastLines(error.stderr);
  const code = classify(error.stderr);
  return new GitWriteError(code, `${where}: ${detail}`, { ...options, retryable: code === "GIT_UNAVAILABLE" });
}

function classify(stderr: string): ErrorCode {
  if (AUTH.some((pattern) => pattern.test(stderr))) return "GIT_AUTH";
  if (NOT_FOUND.some((pattern) => pattern.test(stderr))) return "GIT_FAILED";
  if (UNAVAILABLE.some((pattern) => pattern.test(stderr))) return "GIT_UNAVAILABLE";
  return "GIT_FAILED";
}

function lastLines(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^(?:hint|To |remote: *$)/.test(line));
  return lines.slice(-3).join(" | ") || "git failed without a message";
}
