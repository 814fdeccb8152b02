/**
 * A generic webhook that opens the pull request (the seed's "optional webhook to create the PR"): one JSON POST
 * describing the branch; whatever receives it does the rest.
 */
import type { PullRequestProvider } from "@image-updater/core";
import { parseRemoteUrl } from "../git-cli/remote-url.js";
import { createApiClient } from "./http.js";

/** Options of {@link createWebhookPullRequestProvider}. */
export interface WebhookPullRequestProviderOptions {
  /** Endpoint that receives the POST. */
  readonly url: string;
  /** Extra request headers, e.g. `authorization`. Treated as secrets: never printed. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The JSON body POSTed to the webhook. The receiver answers 2xx, optionally with `{ url, number, created }`
 * describing the pull request it opened or updated.
 */
export interface PullRequestWebhookPayload {
  /** Event name, for receivers that share an endpoint. */
  readonly event: "pull-request";
  /** Repository URL without userinfo. */
  readonly repository: string;
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

/** Creates the `webhook` {@link PullRequestProvider}. */
export function createWebhookPullRequestProvider(options: WebhookPullRequestProviderOptions): PullRequestProvider {
  const api = createApiClient("webhook", options.headers ?? {});
  return {
    id: "webhook",
    async openOrUpdate(request, requestOptions) {
      const payload: PullRequestWebhookPayload = {
        event: "pull-request",
        repository: parseRemoteUrl(request.repository.url).url,
        head: request.head,
        base: request.base,
        title: request.title,
        body: request.body,
        labels: request.labels ?? [],
      };
      const response = await api.call(
        { method: "POST", url: options.url, body: payload },
        requestOptions?.signal ? { signal: requestOptions.signal } : {},
      );
      const answer = (typeof response.body === "object" && response.body !== null ? response.body : {}) as {
        url?: unknown;
        number?: unknown;
        created?: unknown;
      };
      return {
        url: typeof answer.url === "string" ? answer.url : "",
        number: typeof answer.number === "number" ? answer.number : 0,
        created: typeof answer.created === "boolean" ? answer.created : response.status === 201,
      };
    },
  };
}
