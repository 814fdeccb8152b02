/**
 * @image-updater/git-adapters: write-back to Git. The `git-cli` writer (a warm mirror per remote, one commit
 * per branch, push with fetch-rebuild-retry, signing, credentials that never leak) and pull-request providers
 * for GitHub, GitLab, Gitea/Forgejo and a generic webhook.
 */
export {
  builtinGitWriters,
  builtinPullRequestProviders,
  createPullRequestProvider,
  type PullRequestProviderSettings,
} from "./builtin.js";
export type { BeforePushContext, CliGitWriterOptions, GitOperation, GitOperationEvent } from "./git-cli/types.js";
export { createCliGitWriter } from "./git-cli/writer.js";
export { PullRequestError, type PullRequestErrorOptions } from "./providers/errors.js";
export { createGiteaPullRequestProvider, type GiteaPullRequestProviderOptions } from "./providers/gitea.js";
export { createGitHubPullRequestProvider, type GitHubPullRequestProviderOptions } from "./providers/github.js";
export { createGitLabPullRequestProvider, type GitLabPullRequestProviderOptions } from "./providers/gitlab.js";
export { type PullRequestText, type PullRequestTextLimits, pullRequestText } from "./providers/pull-request-text.js";
export {
  createWebhookPullRequestProvider,
  type PullRequestWebhookPayload,
  type WebhookPullRequestProviderOptions,
} from "./providers/webhook.js";
