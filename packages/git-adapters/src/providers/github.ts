/**
 * GitHub (and GitHub Enterprise Server) pull requests over the REST API: find the open pull request for the
 * head branch, update it or create one, then add labels in a separate call whose failure is only a warning.
 */
import type { PullRequestProvider, PullRequestResult } from "@image-updater/core";
import { createApiClient, errorText } from "./http.js";
import { repositoryCoordinates } from "./repository-path.js";

/** Options of {@link createGitHubPullRequestProvider}. */
export interface GitHubPullRequestProviderOptions {
  /** Personal access token, fine-grained token or installation token with pull-request write access. */
  readonly token: string;
  /** API base URL. @default `https://api.github.com` (GitHub Enterprise Server: `https://HOST/api/v3`) */
  readonly apiUrl?: string;
}

interface GitHubPull {
  readonly number: number;
  readonly html_url: string;
  readonly head?: { readonly ref?: string };
  readonly base?: { readonly ref?: string };
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
      const repoApi = `${apiUrl}/repos/${path.split("/").map(encodeURIComponent).join("/")}`;

      async function findOpen(): Promise<GitHubPull | undefined> {
        const query = new URLSearchParams({
          state: "open",
          head: `${owner}:${request.head}`,
          base: request.base,
          per_page: "100",
        });
        const pulls = (await api.list(`${repoApi}/pulls?${query}`, signalOption)) as GitHubPull[];
        return pulls.find((pull) => pull.head?.ref === request.head && pull.base?.ref === request.base);
      }

      let pull = await findOpen();
      let created = false;
      if (pull) {
        const response = await api.call(
          {
            method: "PATCH",
            url: `${repoApi}/pulls/${pull.number}`,
            body: { title: request.title, body: request.body },
          },
          signalOption,
        );
        pull = response.body as GitHubPull;
      } else {
        try {
          const response = await api.call(
            {
              method: "POST",
              url: `${repoApi}/pulls`,
              body: { title: request.title, body: request.body, head: request.head, base: request.base },
            },
            signalOption,
          );
          pull = response.body as GitHubPull;
          created = true;
        } catch (error) {
          // Another writer opened it between our lookup and our create: update that one instead.
          if (!/already exists/i.test(errorText(error))) throw error;
          pull = await findOpen();
          if (!pull) throw error;
          await api.call(
            {
              method: "PATCH",
              url: `${repoApi}/pulls/${pull.number}`,
              body: { title: request.title, body: request.body },
            },
            signalOption,
          );
        }
      }

      const warnings: string[] = [];
      if (request.labels && request.labels.length > 0) {
        try {
          await api.call(
            { method: "POST", url: `${repoApi}/issues/${pull.number}/labels`, body: { labels: request.labels } },
            signalOption,
          );
        } catch (error) {
          warnings.push(`labels not set: ${errorText(error) || String(error)}`);
        }
      }
      const result: PullRequestResult = { url: pull.html_url, number: pull.number, created };
      return warnings.length > 0 ? { ...result, warnings } : result;
    },
  };
}
