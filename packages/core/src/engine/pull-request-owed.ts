/**
 * The pull request a write branch is owed: after a commit, and on every later cycle while the branch holds
 * our change with no open pull request (an earlier call failed, or the provider came after the push).
 */
import { isOwnCommit } from "../git/commit-parent.js";
import type { GitRepository, PullRequestProvider, RepositoryFiles } from "../git/types.js";
import type { GitWriteItem } from "./git-write-back.js";

/** What {@link openOwedPullRequest} needs from the write-back. */
export interface PullRequestContext {
  readonly author: { readonly email: string };
  readonly pullRequests: ((repoUrl: string) => PullRequestProvider | undefined) | undefined;
  readonly signal: AbortSignal | undefined;
}

/** One write branch of a group and what the group did to it. */
export interface WriteBranchState {
  readonly target: {
    readonly item: GitWriteItem;
    readonly repository: GitRepository;
    readonly branch: string;
    readonly base: string;
  };
  /** The commit message (title, then body). */
  readonly message: string;
  /** The commit pushed in this cycle, or `null`. */
  readonly sha: string | null;
  /** The branch as the cycle read it; `null` when it did not exist. */
  readonly branchView: RepositoryFiles | null;
}

/**
 * Opens (or, after a commit, updates) the pull request of a write branch; resolves `undefined` when there is
 * no provider or nothing is owed. With nothing committed, only a branch whose tip we wrote is owed one, and
 * an open one is left as it is: one lookup.
 */
export async function openOwedPullRequest(
  context: PullRequestContext,
  state: WriteBranchState,
): Promise<{ url: string; created: boolean } | undefined> {
  const { target, message, sha } = state;
  const provider = context.pullRequests?.(target.repository.url);
  if (provider === undefined) return undefined;
  if (sha === null && !(await tipIsOurs(state.branchView, context.author.email))) return undefined;
  const [title = "", ...body] = message.split("\n");
  const opened = await provider.openOrUpdate(
    {
      repository: target.repository,
      head: target.branch,
      base: target.base,
      title,
      body: body.join("\n").trim(),
      labels: target.item.config.writeBack.git?.pullRequest?.labels ?? [],
      ...(sha === null ? { updateOpen: false } : {}),
    },
    context.signal === undefined ? {} : { signal: context.signal },
  );
  return { url: opened.url, created: opened.created };
}

/** The tip was authored and committed by us; a view that cannot tell counts as someone else's. */
async function tipIsOurs(view: RepositoryFiles | null, email: string): Promise<boolean> {
  const authorship = await view?.authorship?.();
  return authorship !== undefined && isOwnCommit(authorship, email);
}
