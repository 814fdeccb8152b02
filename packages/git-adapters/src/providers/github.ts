/**
 * GitHub (and GitHub Enterprise Server) pull requests over the REST API: find the open pull request for the
 * head branch, update it or create one, then add labels in a separate call whose failure is only a warning.
 */
import type { PullRequestProvider } from "@image-updater/core";
import { createApiClient } from "./http.js";
import {
  findPullByRefs,
  type HeadBasePull,
  labelAndReport,
  openOrUpdateOnce,
  patchPull,
  postPull,
  reposApiUrl,
} from "./open-or-update.js";
import { repositoryCoordinates } from "./repository-path.js";

/** Options of {@link createGitHubPullRequestProvider}. */
export interface GitHubPullRequestProviderOptions {
  /** Personal access token, fine-grained token or installation token with pull-request write access. */
  readonly token: string;
  /** API base URL. @default `https://api.github.com` (GitHub Enterprise Server: `https://HOST/api/v3`) */
  readonly apiUrl?: string;
}

/** Creates the `github` {@link PullRequestProvider}. */
export function createGitHubPullRequestProvider(options: GitHubPullRequestProviderOptions): PullRequestProvider {
  const apiUrl = (options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const api = createApiClient("github", {
    authorization: `Bearer ${options.token}`,
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
  });

  return {
    id: "github",
    async openOrUpdate(request, requestOptions) {
      const signal = requestOptions?.signal;
      const signalOption = signal ? { signal } : {};
      const { path } = repositoryCoordinates(request.repository.url, "github");
      const owner = path.split("/")[0] ?? "";
      const repoApi = reposApiUrl(apiUrl, path);

      const outcome = await openOrUpdateOnce<HeadBasePull>(
        {
          findOpen() {
            const query = new URLSearchParams({
              state: "open",
              head: `${owner}:${request.head}`,
              base: request.base,
              per_page: "100",
            });
            return findPullByRefs(api, `${repoApi}/pulls?${query}`, request, signalOption);
          },
          update: (existing) => patchPull(api, repoApi, existing.number, request, signalOption),
          create: () => postPull(api, repoApi, request, signalOption),
        },
        request.updateOpen,
      );
      return labelAndReport(api, repoApi, outcome, request.labels, signalOption);
    },
  };
}
