/**
 * GitLab merge requests over the REST API v4: find the opened merge request for the source branch, update it
 * (adding labels) or create one with its labels in the same call.
 */
import type { PullRequestProvider } from "@image-updater/core";
import { createApiClient } from "./http.js";
import { openOrUpdateOnce } from "./open-or-update.js";
import { repositoryCoordinates } from "./repository-path.js";

/** Options of {@link createGitLabPullRequestProvider}. */
export interface GitLabPullRequestProviderOptions {
  /** Personal, project or group access token with `api` scope. */
  readonly token: string;
  /** API base URL. @default `https://gitlab.com/api/v4` (self-managed: `https://HOST/api/v4`) */
  readonly apiUrl?: string;
}

interface GitLabMergeRequest {
  readonly iid: number;
  readonly web_url: string;
  readonly source_branch?: string;
  readonly target_branch?: string;
}

/** Creates the `gitlab` {@link PullRequestProvider}. */
export function createGitLabPullRequestProvider(options: GitLabPullRequestProviderOptions): PullRequestProvider {
  const apiUrl = (options.apiUrl ?? "https://gitlab.com/api/v4").replace(/\/+$/, "");
  const api = createApiClient("gitlab", { "private-token": options.token });

  return {
    id: "gitlab",
    async openOrUpdate(request, requestOptions) {
      const signal = requestOptions?.signal;
      const signalOption = signal ? { signal } : {};
      const { path } = repositoryCoordinates(request.repository.url, "gitlab");
      const projectApi = `${apiUrl}/projects/${encodeURIComponent(path)}`;
      const labels = request.labels && request.labels.length > 0 ? request.labels.join(",") : undefined;

      async function findOpen(): Promise<GitLabMergeRequest | undefined> {
        const query = new URLSearchParams({
          state: "opened",
          source_branch: request.head,
          target_branch: request.base,
          per_page: "100",
        });
        const found = (await api.list(`${projectApi}/merge_requests?${query}`, signalOption)) as GitLabMergeRequest[];
        return found.find((mr) => mr.source_branch === request.head && mr.target_branch === request.base);
      }

      async function update(existing: GitLabMergeRequest): Promise<GitLabMergeRequest> {
        const body = { title: request.title, description: request.body, ...(labels ? { add_labels: labels } : {}) };
        const response = await api.call(
          { method: "PUT", url: `${projectApi}/merge_requests/${existing.iid}`, body },
          signalOption,
        );
        return response.body as GitLabMergeRequest;
      }

      const { item: mr, created } = await openOrUpdateOnce(
        {
          findOpen,
          update,
          async create() {
            const response = await api.call(
              {
                method: "POST",
                url: `${projectApi}/merge_requests`,
                body: {
                  source_branch: request.head,
                  target_branch: request.base,
                  title: request.title,
                  description: request.body,
                  ...(labels ? { labels } : {}),
                },
              },
              signalOption,
            );
            return response.body as GitLabMergeRequest;
          },
        },
        request.updateOpen,
      );
      return { url: mr.web_url, number: mr.iid, created };
    },
  };
}
