import { type CommitRequest, GitWriteError } from "@image-updater/core";
import { parseRemoteUrl } from "./remote-url.js";

/** Options of {@link mergeCommitRequests}. */
export interface MergeCommitRequestsOptions {
  /**
   * Message of the merged commit. @default the one message when all are equal; else a subject counting the
   * requests followed by every distinct message, in order.
   */
  readonly message?: string;
}

/**
 * Merges several applications' requests for the same repository and branch into one request: changes
 * concatenated in order (later changes to a path see earlier ones), one message covering them all.
 * Throws `GIT_FAILED` when the requests disagree on repository, branch, base branch, author or signing.
 */
export function mergeCommitRequests(
  requests: readonly CommitRequest[],
  options: MergeCommitRequestsOptions = {},
): CommitRequest {
  const [first] = requests;
  if (first === undefined)
    throw new GitWriteError("GIT_FAILED", "[git-cli] mergeCommitRequests needs at least one request");
  const key = batchKey(first);
  for (const request of requests) {
    if (batchKey(request) !== key) {
      throw new GitWriteError(
        "GIT_FAILED",
        `[git-cli] cannot merge a commit for ${describe(request)} into one for ${describe(first)}`,
        { repoUrl: parseRemoteUrl(first.repository.url).url, branch: first.branch },
      );
    }
  }
  return {
    ...first,
    signOff: requests.some((request) => request.signOff === true),
    message: options.message ?? mergedMessage(requests.map((request) => request.message)),
    changes: requests.flatMap((request) => request.changes),
  };
}

/** Groups requests by (repository, branch, base, author, signing) and merges each group: one commit per branch. */
export function groupCommitRequests(requests: readonly CommitRequest[]): CommitRequest[] {
  const groups = new Map<string, CommitRequest[]>();
  for (const request of requests) {
    const key = batchKey(request);
    const group = groups.get(key);
    if (group) group.push(request);
    else groups.set(key, [request]);
  }
  return [...groups.values()].map((group) => mergeCommitRequests(group));
}

function batchKey(request: CommitRequest): string {
  return JSON.stringify([
    parseRemoteUrl(request.repository.url).url,
    request.branch,
    request.baseBranch ?? null,
    request.author.name,
    request.author.email,
    request.signing?.method ?? null,
    request.signing?.key ?? null,
  ]);
}

function describe(request: CommitRequest): string {
  return `${parseRemoteUrl(request.repository.url).url} (${request.branch})`;
}

function mergedMessage(messages: readonly string[]): string {
  const distinct = [...new Set(messages.map((message) => message.trim()))];
  if (distinct.length === 1) return distinct[0] ?? "";
  return [`build: automatic update of ${messages.length} applications`, ...distinct].join("\n\n");
}
