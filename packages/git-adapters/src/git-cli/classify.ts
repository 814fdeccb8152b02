import { type ErrorCode, GitWriteError, type GitWriteStep, ImageUpdaterError } from "@image-updater/core";
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

// git commit-tree -S: gpg or ssh-keygen could not sign (no such key, a passphrase, no agent).
const SIGNING = [/gpg failed to sign/i, /failed to sign the data/i, /error: .*(?:gpg|ssh-keygen)/i, /signing failed/i];

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
  if (context.operation === "commit" && SIGNING.some((pattern) => pattern.test(error.stderr))) {
    const signWhere = where.replace("[git-cli] commit", "[git-cli] sign");
    return new GitWriteError("GIT_FAILED", `${signWhere}: ${detail}`, { ...options, operation: "sign" });
  }
  const code = classify(error.stderr);
  const step = STEPS[context.operation];
  return new GitWriteError(code, `${where}: ${detail}`, {
    ...options,
    retryable: code === "GIT_UNAVAILABLE",
    ...(step ? { operation: step } : {}),
  });
}

const STEPS: Readonly<Record<string, GitWriteStep>> = {
  clone: "clone",
  fetch: "fetch",
  commit: "commit",
  push: "push",
};

function classify(stderr: string): ErrorCode {
  if (AUTH.some((pattern) => pattern.test(stderr))) return "GIT_AUTH";
  if (NOT_FOUND.some((pattern) => pattern.test(stderr))) return "GIT_FAILED";
  if (UNAVAILABLE.some((pattern) => pattern.test(stderr))) return "GIT_UNAVAILABLE";
  return "GIT_FAILED";
}

/**
 * The last three lines of git's stderr, but first the line that says what went wrong when there is one
 * (`Host key verification failed.`, `Permission denied (publickey).`): ssh prints it before git's generic
 * "Could not read from remote repository" lines, which would push it out.
 */
function lastLines(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^(?:hint|To |remote: *$)/.test(line));
  const telling = lines.filter((line) => [...AUTH, ...SIGNING].some((pattern) => pattern.test(line)));
  const tail = lines.slice(-3).filter((line) => !telling.includes(line));
  return [...telling.slice(0, 2), ...tail].slice(0, 4).join(" | ") || "git failed without a message";
}
