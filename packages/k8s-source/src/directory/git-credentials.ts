import { type GitCredentials, type GitCredentialsSource, type RequestOptions, SourceError } from "@image-updater/core";
import { readSecretManifests, type SecretManifest } from "./secret-manifests.js";
import type { DirectoryWarningHandler } from "./warnings.js";

/** Options of {@link createDirectoryGitCredentials}. */
export interface DirectoryGitCredentialsOptions {
  /** Folder holding Kubernetes `Secret` manifests. */
  readonly dir: string;
  /** Namespace of Secrets whose manifest states none, and where Argo CD keeps repository Secrets. @default "argocd" */
  readonly defaultNamespace?: string;
  readonly onWarning?: DirectoryWarningHandler;
}

/** Finds the credentials a git write-back uses. */
export interface GitCredentialsResolver {
  /**
   * Credentials for pushing to `repoUrl`:
   * - `repocreds`: Argo CD's repository Secrets (label `argocd.argoproj.io/secret-type: repository`, same
   *   `url`), else its credential templates (`repo-creds`, the longest `url` prefix);
   * - `secret`: the named Secret's `sshPrivateKey` for SSH URLs, else `username` and `password`.
   *
   * Resolves `null` when nothing matches (anonymous access; a local or public remote). Rejects with
   * `CREDENTIALS_UNAVAILABLE` when a named Secret is missing or lacks the fields.
   */
  resolve(source: GitCredentialsSource, repoUrl: string, options?: RequestOptions): Promise<GitCredentials | null>;
}

const SECRET_TYPE = "argocd.argoproj.io/secret-type";

/** Argo CD compares repository URLs case-insensitively, without a trailing `/` or `.git`. */
export function normalizeRepoUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
}

function isSshUrl(url: string): boolean {
  return url.startsWith("ssh://") || /^[^/@:]+@[^/:]+:/.test(url);
}

function credentialsFrom(secret: SecretManifest, repoUrl: string): GitCredentials | null {
  const data = secret.data;
  if (isSshUrl(repoUrl) && data.sshPrivateKey) {
    return {
      kind: "ssh",
      privateKey: data.sshPrivateKey,
      ...(data.insecure === "true" ? { insecureIgnoreHostKey: true } : {}),
    };
  }
  if (data.username !== undefined && data.password !== undefined) {
    return { kind: "https", username: data.username, password: data.password };
  }
  // A token-only repository Secret (GitHub PAT as password is the usual form); Argo CD treats it the same.
  if (data.password !== undefined) return { kind: "https", username: "x-access-token", password: data.password };
  return null;
}

/**
 * Git credentials from Secret manifests in a folder: the named Secret of `git:secret:<ns>/<name>`, or Argo
 * CD's repository Secrets for `git`/`git:repocreds`. The folder is read on every call.
 */
export function createDirectoryGitCredentials(options: DirectoryGitCredentialsOptions): GitCredentialsResolver {
  const defaultNamespace = options.defaultNamespace ?? "argocd";
  return {
    async resolve(source, repoUrl, requestOptions) {
      if (requestOptions?.signal?.aborted) {
        throw new SourceError("ABORTED", "[directory] aborted", { cause: requestOptions.signal.reason });
      }
      let secrets: SecretManifest[];
      try {
        secrets = await readSecretManifests(options.dir, defaultNamespace, options.onWarning);
      } catch (error) {
        throw new SourceError("SOURCE_UNAVAILABLE", "[directory] cannot list the secrets folder", {
          cause: error,
          retryable: true,
        });
      }
      if (source.kind === "secret") {
        const secret = secrets.find((s) => s.namespace === source.namespace && s.name === source.name);
        const label = `${source.namespace}/${source.name}`;
        if (!secret) {
          throw new SourceError("CREDENTIALS_UNAVAILABLE", `[directory] Secret ${label} for git write-back not found`);
        }
        const credentials = credentialsFrom(secret, repoUrl);
        if (!credentials) {
          throw new SourceError(
            "CREDENTIALS_UNAVAILABLE",
            `[directory] Secret ${label} has neither sshPrivateKey (for SSH URLs) nor username and password`,
          );
        }
        return credentials;
      }
      const wanted = normalizeRepoUrl(repoUrl);
      const repository = secrets.find(
        (s) =>
          s.labels[SECRET_TYPE] === "repository" && s.data.url !== undefined && normalizeRepoUrl(s.data.url) === wanted,
      );
      if (repository) return credentialsFrom(repository, repoUrl);
      let best: SecretManifest | undefined;
      for (const s of secrets) {
        const prefix = s.labels[SECRET_TYPE] === "repo-creds" && s.data.url ? normalizeRepoUrl(s.data.url) : undefined;
        if (prefix === undefined || !wanted.startsWith(prefix)) continue;
        if (!best || prefix.length > normalizeRepoUrl(best.data.url ?? "").length) best = s;
      }
      return best ? credentialsFrom(best, repoUrl) : null;
    },
  };
}
