import { type RequestOptions, type SecretResolver, SourceError } from "@image-updater/core";
import { isRecord } from "./application-manifest.js";
import { scanManifests } from "./manifest-files.js";
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
      let scan: Awaited<ReturnType<typeof scanManifests>>;
      try {
        scan = await scanManifests(options.dir, { redactMessages: true });
      } catch (error) {
        throw new SourceError("SOURCE_UNAVAILABLE", "[directory] cannot list the secrets folder", {
          cause: error,
          retryable: true,
        });
      }
      for (const warning of scan.warnings) options.onWarning?.(warning);
      for (const document of scan.documents) {
        const data = document.data;
        if (!isRecord(data) || data.kind !== "Secret" || data.apiVersion !== "v1") continue;
        const metadata = isRecord(data.metadata) ? data.metadata : {};
        const secretNamespace = typeof metadata.namespace === "string" ? metadata.namespace : defaultNamespace;
        if (metadata.name !== name || secretNamespace !== namespace) continue;
        const result: Record<string, string> = {};
        if (isRecord(data.data)) {
          for (const [key, value] of Object.entries(data.data)) {
            const decoded = typeof value === "string" ? decodeBase64(value) : null;
            if (decoded === null) {
              options.onWarning?.({
                file: document.file,
                document: document.index,
                line: document.line,
                message: `Secret ${namespace}/${name} data.${key} is not valid base64; encode it or move it to stringData`,
              });
              continue;
            }
            result[key] = decoded;
          }
        }
        if (isRecord(data.stringData)) {
          for (const [key, value] of Object.entries(data.stringData)) {
            if (value !== null && value !== undefined && typeof value !== "object") result[key] = String(value);
          }
        }
        return result;
      }
      return null;
    },
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (Kubernetes rejects anything else); whitespace from folded YAML is tolerated. */
function decodeBase64(value: string): string | null {
  const compact = value.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return null;
  return Buffer.from(compact, "base64").toString("utf8");
}
