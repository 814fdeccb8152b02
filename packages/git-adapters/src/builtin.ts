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

/** Which built-in provider to open pull requests with, and how to reach it. */
export interface PullRequestProviderSettings {
  readonly provider: keyof typeof builtinPullRequestProviders;
  /** API token; for `webhook` it becomes the `authorization` header. A secret: never printed. */
  readonly token?: string | null;
  /** API base of a self-hosted GitHub, GitLab or Gitea; absent or `null` for the provider's default. */
  readonly apiUrl?: string | null;
  /** Endpoint of the `webhook` provider. */
  readonly webhookUrl?: string | null;
}

/** The built-in provider `settings` name, from {@link builtinPullRequestProviders}. */
export function createPullRequestProvider(settings: PullRequestProviderSettings): PullRequestProvider {
  const token = settings.token ?? "";
  if (settings.provider === "webhook") {
    return builtinPullRequestProviders.webhook({
      url: settings.webhookUrl ?? "",
      ...(token === "" ? {} : { headers: { authorization: token } }),
    });
  }
  const apiUrl = settings.apiUrl === null || settings.apiUrl === undefined ? {} : { apiUrl: settings.apiUrl };
  return builtinPullRequestProviders[settings.provider]({ token, ...apiUrl });
}
