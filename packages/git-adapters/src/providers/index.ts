export { PullRequestError, type PullRequestErrorOptions } from "./errors.js";
export { createGiteaPullRequestProvider, type GiteaPullRequestProviderOptions } from "./gitea.js";
export { createGitHubPullRequestProvider, type GitHubPullRequestProviderOptions } from "./github.js";
export { createGitLabPullRequestProvider, type GitLabPullRequestProviderOptions } from "./gitlab.js";
export { type PullRequestText, type PullRequestTextLimits, pullRequestText } from "./pull-request-text.js";
export {
  createWebhookPullRequestProvider,
  type PullRequestWebhookPayload,
  type WebhookPullRequestProviderOptions,
} from "./webhook.js";
