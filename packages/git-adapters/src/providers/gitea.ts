/**
 * Gitea and Forgejo pull requests over the REST API v1: find the open pull request for head and base among the
 * open ones, update it or create one, then add labels by name in a separate call (a failure is a warning).
 */
import type { PullRequestProvider, PullRequestResult } from "@image-updater/core";
import { createApiClient, errorText } from "./http.js";
import { repositoryCoordinates } from "./repository-path.js";

/** Options of {@link createGiteaPullRequestProvider}. */
export interface GiteaPullRequestProviderOptions {
  /** Access token with repository write scope. */
  readonly token: string;
  /** API base URL. @default `https://HOST/api/v1`, HOST taken from the repository URL */
  readonly apiUrl?: string;
}

interface GiteaPull {
  readonly number: number;
  readonly html_url: string;
  readonly head?: { readonly ref?: string };
  readonly base?: { readonly ref?: string };
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
      const repoApi = `${apiUrl}/repos/${path.split("/").map(encodeURIComponent).join("/")}`;

      async function findOpen(): Promise<GiteaPull | undefined> {
        const pulls = (await api.list(`${repoApi}/pulls?state=open&limit=50`, signalOption)) as GiteaPull[];
        return pulls.find((pull) => pull.head?.ref === request.head && pull.base?.ref === request.base);
      }

      async function update(existing: GiteaPull): Promise<GiteaPull> {
        const response = await api.call(
          {
            method: "PATCH",
            url: `${repoApi}/pulls/${existing.number}`,
            body: { title: request.title, body: request.body },
          },
          signalOption,
        );
        return response.body as GiteaPull;
      }

      let pull = await findOpen();
      let created = false;
      if (pull) pull = await update(pull);
      else {
        try {
          const response = await api.call(
            {
              method: "POST",
              url: `${repoApi}/pulls`,
              body: { head: request.head, base: request.base, title: request.title, body: request.body },
            },
            signalOption,
          );
          pull = response.body as GiteaPull;
          created = true;
        } catch (error) {
          // 409 "pull request already exists for these targets": someone raced us.
          if (!/already exists/i.test(errorText(error))) throw error;
          const raced = await findOpen();
          if (!raced) throw error;
          pull = await update(raced);
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
