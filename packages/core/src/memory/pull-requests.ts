/**
 * The memory pull-request provider: pull requests kept per repository, opened or updated as a Git host
 * does (one open pull request per head and base; a second call updates it), with numbers counted per
 * repository and a log of every call.
 */
import { ImageUpdaterError } from "../errors.js";
import type { PullRequestProvider, PullRequestRequest } from "../git/types.js";

/** A pull request as the memory provider holds it. */
export interface MemoryPullRequest {
  readonly repoUrl: string;
  readonly number: number;
  readonly url: string;
  readonly head: string;
  readonly base: string;
  title: string;
  body: string;
  labels: readonly string[];
  state: "open" | "closed";
}

/** Options of {@link createMemoryPullRequests}. */
export interface MemoryPullRequestsOptions {
  /** @default "memory" */
  readonly id?: string;
  /** Labels are refused (a token without the scope): the call succeeds with a warning. @default false */
  readonly refuseLabels?: boolean;
}

/** The memory provider, plus what it holds. */
export interface MemoryPullRequests extends PullRequestProvider {
  /** Every pull request, in the order they were opened. */
  readonly pulls: readonly MemoryPullRequest[];
  /** Closes pull request `number` of `repoUrl` (as a reviewer merging it would); a later call opens a new one. */
  close(repoUrl: string, number: number): void;
  /** Calls received, in order. */
  readonly calls: readonly PullRequestRequest[];
}

/** Creates an empty {@link MemoryPullRequests}. */
export function createMemoryPullRequests(options: MemoryPullRequestsOptions = {}): MemoryPullRequests {
  const id = options.id ?? "memory";
  const pulls: MemoryPullRequest[] = [];
  const calls: PullRequestRequest[] = [];
  return {
    id,
    pulls,
    calls,
    close(repoUrl, number) {
      const pull = pulls.find((p) => p.repoUrl === repoUrl && p.number === number);
      if (pull !== undefined) pull.state = "closed";
    },
    async openOrUpdate(request, requestOptions) {
      const repoUrl = request.repository.url;
      const fail = (code: "ABORTED" | "PULL_REQUEST_FAILED", text: string) =>
        new ImageUpdaterError(code, `[${id}] ${repoUrl} (${request.head}): ${text}`);
      if (requestOptions?.signal?.aborted) throw fail("ABORTED", "aborted");
      calls.push(request);
      if (request.head === request.base) throw fail("PULL_REQUEST_FAILED", "head and base are the same branch");
      const labels = options.refuseLabels ? [] : [...(request.labels ?? [])];
      const warnings =
        options.refuseLabels && (request.labels?.length ?? 0) > 0 ? ["labels not set: labels are refused"] : [];
      const open = pulls.find(
        (p) => p.repoUrl === repoUrl && p.head === request.head && p.base === request.base && p.state === "open",
      );
      let pull = open;
      if (pull === undefined) {
        const number = pulls.filter((p) => p.repoUrl === repoUrl).length + 1;
        pull = {
          repoUrl,
          number,
          url: `${repoUrl.replace(/\.git$/, "")}/pull/${number}`,
          head: request.head,
          base: request.base,
          title: request.title,
          body: request.body,
          labels,
          state: "open",
        };
        pulls.push(pull);
      } else if (request.updateOpen !== false) {
        pull.title = request.title;
        pull.body = request.body;
        pull.labels = [...new Set([...pull.labels, ...labels])];
      }
      const result = { url: pull.url, number: pull.number, created: open === undefined };
      return warnings.length > 0 ? { ...result, warnings } : result;
    },
  };
}
