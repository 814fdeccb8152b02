import type { GitWriter, PullRequestProvider } from "@image-updater/core";
import type { CliGitWriterOptions } from "./git-cli/types.js";
import { createCliGitWriter } from "./git-cli/writer.js";
import { createGiteaPullRequestProvider, type GiteaPullRequestProviderOptions } from "./providers/gitea.js";
import { createGitHubPullRequestProvider, type GitHubPullRequestProviderOptions } from "./providers/github.js";
import { createGitLabPullRequestProvider, type GitLabPullRequestProviderOptions } from "./providers/gitlab.js";
import { createWebhookPullRequestProvider, type WebhookPullRequestProviderOptions } from "./providers/webhook.js";

/** Git writer factories by adapter id, for configuration-driven wiring. */
export const builtinGitWriters: { readonly "git-cli": (options?: CliGitWriterOptions) => GitWriter } = {
  "git-cli": createCliGitWriter,
};

/** Pull-request provider factories by provider id, for configuration-driven wiring. */
export const builtinPullRequestProviders: {
  readonly github: (options: GitHubPullRequestProviderOptions) => PullRequestProvider;
  readonly gitlab: (options: GitLabPullRequestProviderOptions) => PullRequestProvider;
  readonly gitea: (options: GiteaPullRequestProviderOptions) => PullRequestProvider;
  readonly webhook: (options: WebhookPullRequestProviderOptions) => PullRequestProvider;
} = {
  github: createGitHubPullRequestProvider,
  gitlab: createGitLabPullRequestProvider,
  gitea: createGiteaPullRequestProvider,
  webhook: createWebhookPullRequestProvider,
};
