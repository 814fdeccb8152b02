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
export * from "./git-cli/index.js";
export * from "./providers/index.js";
