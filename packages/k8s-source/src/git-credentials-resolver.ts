import type { GitCredentials, GitCredentialsSource, RequestOptions } from "@image-updater/core";

/** Finds the credentials a git write-back uses. */
export interface GitCredentialsResolver {
  /**
   * Credentials for pushing to `repoUrl`:
   * - `repocreds`: Argo CD's repository Secrets (label `argocd.argoproj.io/secret-type: repository`, same
   *   `url`), else its credential templates (`repo-creds`, the longest `url` prefix);
   * - `secret`: the named Secret's `sshPrivateKey` for SSH URLs, else `username` and `password`
   *   (core's `gitCredentialsFromSecret` is the rule for both).
   *
   * Resolves `null` when nothing matches (anonymous access; a local or public remote). Rejects with
   * `CREDENTIALS_UNAVAILABLE` when a named Secret is missing or lacks the fields.
   */
  resolve(source: GitCredentialsSource, repoUrl: string, options?: RequestOptions): Promise<GitCredentials | null>;
}
