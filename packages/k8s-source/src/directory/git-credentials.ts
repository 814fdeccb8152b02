import {
  findRepositorySecret,
  gitCredentialsFromSecret,
  missingGitCredentialFields,
  SourceError,
} from "@image-updater/core";
import type { GitCredentialsResolver } from "../git-credentials-resolver.js";
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
        const credentials = gitCredentialsFromSecret(secret.data, repoUrl);
        if (!credentials) {
          throw new SourceError("CREDENTIALS_UNAVAILABLE", `[directory] ${missingGitCredentialFields(label, repoUrl)}`);
        }
        return credentials;
      }
      const match = findRepositorySecret(secrets, repoUrl);
      return match ? gitCredentialsFromSecret(match.data, repoUrl) : null;
    },
  };
}
