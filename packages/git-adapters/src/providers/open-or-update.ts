import type { PullRequestResult } from "@image-updater/core";
import type { ApiClient } from "./http.js";
import { errorText } from "./http.js";

/** The three provider-specific calls {@link openOrUpdateOnce} drives. */
export interface OpenOrUpdateSteps<T> {
  /** The open pull / merge request for the head and base branches, if any. */
  findOpen(): Promise<T | undefined>;
  /** Updates an open one; resolves the provider's answer. */
  update(existing: T): Promise<T>;
  /** Creates one; rejects with an "already exists" message when another writer won the race. */
  create(): Promise<T>;
}

/**
 * Updates the open pull request (or, `updateOpen` false, leaves it as found) or creates one. When the create loses a race to another writer (the provider
 * says it "already exists"), the winner's pull request is looked up again and updated instead.
 */
export async function openOrUpdateOnce<T>(
  steps: OpenOrUpdateSteps<T>,
  updateOpen = true,
): Promise<OpenOrUpdateOutcome<T>> {
  const existing = await steps.findOpen();
  if (existing) return updateOpen ? { item: await steps.update(existing), created: false } : found(existing);
  try {
    return { item: await steps.create(), created: true };
  } catch (error) {
    if (!/already exists/i.test(errorText(error))) throw error;
    const raced = await steps.findOpen();
    if (!raced) throw error;
    return updateOpen ? { item: await steps.update(raced), created: false } : found(raced);
  }
}

/** What {@link openOrUpdateOnce} did; `untouched` when an open one was found and left as it was. */
export interface OpenOrUpdateOutcome<T> {
  readonly item: T;
  readonly created: boolean;
  readonly untouched?: boolean;
}

function found<T>(item: T): OpenOrUpdateOutcome<T> {
  return { item, created: false, untouched: true };
}

/** Pull request shape GitHub and Gitea share for the fields the providers read. */
export interface HeadBasePull {
  readonly number: number;
  readonly html_url: string;
  readonly head?: { readonly ref?: string };
  readonly base?: { readonly ref?: string };
}

/** `API/repos/OWNER/NAME` with each path segment encoded (GitHub and Gitea). */
export function reposApiUrl(apiUrl: string, path: string): string {
  return `${apiUrl}/repos/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** The open pull request listed at `url` whose head and base refs match exactly (GitHub and Gitea). */
export async function findPullByRefs(
  api: ApiClient,
  url: string,
  refs: { readonly head: string; readonly base: string },
  signalOption: { readonly signal?: AbortSignal },
): Promise<HeadBasePull | undefined> {
  const pulls = (await api.list(url, signalOption)) as HeadBasePull[];
  return pulls.find((pull) => pull.head?.ref === refs.head && pull.base?.ref === refs.base);
}

/** PATCHes title and body of pull `number` under `repoApi` (GitHub and Gitea). */
export async function patchPull(
  api: ApiClient,
  repoApi: string,
  number: number,
  text: { readonly title: string; readonly body: string },
  signalOption: { readonly signal?: AbortSignal },
): Promise<HeadBasePull> {
  const response = await api.call(
    { method: "PATCH", url: `${repoApi}/pulls/${number}`, body: { title: text.title, body: text.body } },
    signalOption,
  );
  return response.body as HeadBasePull;
}

/** POSTs a new pull request from `head` into `base` (GitHub and Gitea take the same four fields). */
export async function postPull(
  api: ApiClient,
  repoApi: string,
  pull: { readonly title: string; readonly body: string; readonly head: string; readonly base: string },
  signalOption: { readonly signal?: AbortSignal },
): Promise<HeadBasePull> {
  const { title, body, head, base } = pull;
  const response = await api.call(
    { method: "POST", url: `${repoApi}/pulls`, body: { title, body, head, base } },
    signalOption,
  );
  return response.body as HeadBasePull;
}

/**
 * Adds labels through the issues endpoint (GitHub and Gitea), then builds the result. A label failure is only a
 * warning: the pull request itself is there.
 */
export async function labelAndReport(
  api: ApiClient,
  repoApi: string,
  outcome: OpenOrUpdateOutcome<HeadBasePull>,
  labels: readonly string[] | undefined,
  signalOption: { readonly signal?: AbortSignal },
): Promise<PullRequestResult> {
  const pull = outcome.item;
  const warnings: string[] = [];
  if (labels && labels.length > 0 && !outcome.untouched) {
    try {
      await api.call(
        { method: "POST", url: `${repoApi}/issues/${pull.number}/labels`, body: { labels } },
        signalOption,
      );
    } catch (error) {
      warnings.push(`labels not set: ${errorText(error) || String(error)}`);
    }
  }
  const result: PullRequestResult = { url: pull.html_url, number: pull.number, created: outcome.created };
  return warnings.length > 0 ? { ...result, warnings } : result;
}
