/**
 * Gitea and Forgejo pull requests over the REST API v1: find the open pull request for head and base among the
 * open ones, update it or create one, then add labels by name in a separate call (a failure is a warning).
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

/** Options of {@link createGiteaPullRequestProvider}. */
export interface GiteaPullRequestProviderOptions {
  /** Access token with repository write scope. */
  readonly token: string;
  /** API base URL. @default `https://HOST/api/v1`, HOST taken from the repository URL */
  readonly apiUrl?: string;
}

/** Creates the `gitea` {@link PullRequestProvider} (Forgejo speaks the same API). */
export function createGiteaPullRequestProvider(options: GiteaPullRequestProviderOptions): PullRequestProvider {
  const api = createApiClient("gitea", { authorization: `token ${options.token}` });

  return {
    id: "gitea",
    async openOrUpdate(request, requestOptions) {
      const signal = requestOptions?.signal;
      const signalOption = signal ? { signal } : {};
      const { host, path } = repositoryCoordinates(request.repository.url, "gitea");
      const apiUrl = (options.apiUrl ?? `https://${host}/api/v1`).replace(/\/+$/, "");
      const repoApi = reposApiUrl(apiUrl, path);

      const outcome = await openOrUpdateOnce<HeadBasePull>(
        {
          findOpen: () => findPullByRefs(api, `${repoApi}/pulls?state=open&limit=50`, request, signalOption),
          update: (existing) => patchPull(api, repoApi, existing.number, request, signalOption),
          create: () => postPull(api, repoApi, request, signalOption),
        },
        request.updateOpen,
      );
      return labelAndReport(api, repoApi, outcome, request.labels, signalOption);
    },
  };
}
