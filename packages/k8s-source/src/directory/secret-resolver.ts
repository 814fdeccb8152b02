import { type RequestOptions, type SecretResolver, SourceError } from "@image-updater/core";
import { readSecretManifests } from "./secret-manifests.js";
import type { DirectoryWarningHandler } from "./warnings.js";

/** Options of {@link createDirectorySecretResolver}. */
export interface DirectorySecretResolverOptions {
  /** Folder holding Kubernetes `Secret` manifests (`.yaml`/`.yml`, any depth, multi-document). */
  readonly dir: string;
  /** Namespace of Secrets whose manifest states none. @default "argocd" */
  readonly defaultNamespace?: string;
  /** Called for every file, document or key that could not be used. Never carries a Secret value. */
  readonly onWarning?: DirectoryWarningHandler;
}

/**
 * Resolves `secret:` and `pullsecret:` references from Secret manifests, the way the Kubernetes API would:
 * `data` is base64-decoded, `stringData` wins over `data` for the same key. The folder is read on every call
 * so rotated Secrets apply without a restart.
 */
export function createDirectorySecretResolver(options: DirectorySecretResolverOptions): SecretResolver {
  const defaultNamespace = options.defaultNamespace ?? "argocd";
  return {
    async getSecret(namespace: string, name: string, requestOptions?: RequestOptions) {
      if (requestOptions?.signal?.aborted) {
        throw new SourceError("ABORTED", "[directory] aborted", { cause: requestOptions.signal.reason });
      }
      let secrets: Awaited<ReturnType<typeof readSecretManifests>>;
      try {
        secrets = await readSecretManifests(options.dir, defaultNamespace, options.onWarning);
      } catch (error) {
        throw new SourceError("SOURCE_UNAVAILABLE", "[directory] cannot list the secrets folder", {
          cause: error,
          retryable: true,
        });
      }
      const secret = secrets.find((s) => s.namespace === namespace && s.name === name);
      return secret ? { ...secret.data } : null;
    },
  };
}
