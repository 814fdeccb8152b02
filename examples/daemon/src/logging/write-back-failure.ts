/** What failed in a write-back, in words, with the hint that fits (instead of one "Failed to commit" for all). */
import { GitWriteError, type ImageUpdaterError } from "@image-updater/core";

/** The seed's advice for a git write failure. */
export const FAILED_TO_COMMIT_HINT = "check that the Git key has write access; check the branch protection rules";

/** A log line for a failed write-back: what failed and what to check. */
export interface WriteBackFailure {
  readonly message: string;
  /** Absent when no advice fits, e.g. an unreachable remote says nothing about the key's rights. */
  readonly hint: string | undefined;
}

function statusOf(error: ImageUpdaterError): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/** Describes a `writeback:failed` error by what failed: the PR API, the branch name, a path, signing, git access. */
export function describeWriteBackFailure(error: ImageUpdaterError): WriteBackFailure {
  const step = error instanceof GitWriteError ? error.operation : undefined;
  if (error.code === "PULL_REQUEST_FAILED") {
    const status = statusOf(error);
    if (status === 401 || status === 403) {
      return {
        message: "The pull-request API refused the token",
        hint: "check PULL_REQUEST_TOKEN: it must be valid, unexpired and allowed to open pull requests on the repository",
      };
    }
    return {
      message: "Could not open the pull request",
      hint: "check --pull-request-provider and --pull-request-api-url; the branch was pushed and the next cycle tries again",
    };
  }
  if (step === "branch" || (error.code === "TEMPLATE_INVALID" && /branch/i.test(error.message))) {
    return {
      message: "Could not name the write branch",
      hint: "check the git-branch annotation: its template must render a valid branch name (no spaces, ~, ^, :, ..)",
    };
  }
  if (error.code === "TEMPLATE_INVALID") {
    return {
      message: "Could not render the commit message",
      hint: "check the commit message template; image-updater template PATH renders it with sample changes",
    };
  }
  // Core's editors refuse such a path (PATH_UNSAFE); the write-back reports it inside MANIFEST_INVALID.
  if (error.code === "PATH_UNSAFE" || (error.code === "MANIFEST_INVALID" && /refusing path/.test(error.message))) {
    return {
      message: "Refused to write outside the repository",
      hint: "check write-back-target: the path must be relative and stay inside the repository (no .., no symlink out)",
    };
  }
  if (step === "sign") {
    return {
      message: "Could not sign the commit",
      hint: "check --git-commit-signing-key and --git-commit-signing-method: the key (id or key file) must be usable without a passphrase",
    };
  }
  if (/Host key verification failed/.test(error.message)) {
    return {
      message: "Failed to commit",
      hint: "the server's SSH host key is not trusted: add it to the known_hosts file (--ssh-known-hosts-path)",
    };
  }
  if (/Permission denied \(publickey/.test(error.message)) {
    return {
      message: "Failed to commit",
      hint: "the server refused the SSH key: register it as a deploy key with write access",
    };
  }
  if (error.code === "GIT_CONFLICT") {
    return {
      message: "Gave up pushing: the branch kept moving",
      hint: "other writers pushed at every attempt; nothing was lost, the next cycle writes this branch first (--git-push-retries grants more retries)",
    };
  }
  // An unreachable remote or a busy cache says nothing about the key's rights: no write-access advice then.
  if (error.code === "GIT_UNAVAILABLE") return { message: "Failed to commit", hint: undefined };
  return { message: "Failed to commit", hint: FAILED_TO_COMMIT_HINT };
}
