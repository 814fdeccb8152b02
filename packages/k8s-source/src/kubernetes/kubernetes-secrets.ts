/**
 * Secrets from the Kubernetes API for `secret:`/`pullsecret:` references and git write-back, cached for a
 * short TTL so one cycle over many applications reads each Secret once and a rotation applies within the TTL.
 * Values are decoded here and never leave through a message: errors name the Secret, not its content.
 */
import {
  findRepositorySecret,
  gitCredentialsFromSecret,
  missingGitCredentialFields,
  type RequestOptions,
  type SecretResolver,
  SourceError,
} from "@image-updater/core";
import type { GitCredentialsResolver } from "../git-credentials-resolver.js";
import { KubeApiError, type KubeClient } from "./kube-client.js";

/** Options of {@link createKubernetesSecrets}. */
export interface KubernetesSecretsOptions {
  readonly client: KubeClient;
  /** How long a read Secret (or its absence) is reused. @default 30_000 */
  readonly ttlMs?: number;
  /** Where Argo CD keeps its repository Secrets. @default "argocd" */
  readonly argocdNamespace?: string;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

interface Cached<T> {
  readonly value: Promise<T>;
  readonly expires: number;
}

type SecretData = Readonly<Record<string, string>>;

function decode(data: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) result[key] = Buffer.from(value, "base64").toString("utf8");
  return result;
}

/** A TTL cache whose entries are promises, so concurrent readers share one request; failures are not kept. */
function ttlCache<T>(ttlMs: number, now: () => number) {
  const entries = new Map<string, Cached<T>>();
  return (key: string, load: () => Promise<T>): Promise<T> => {
    const hit = entries.get(key);
    if (hit && hit.expires > now()) return hit.value;
    const value = load();
    entries.set(key, { value, expires: now() + ttlMs });
    value.catch(() => entries.delete(key));
    return value;
  };
}

/** The Secret resolver plus the git credentials resolver over the same cache. */
export interface KubernetesSecrets {
  readonly resolver: SecretResolver;
  readonly gitCredentials: GitCredentialsResolver;
}

/** Creates the API-backed {@link SecretResolver} and git credentials (Argo CD repository Secrets). */
export function createKubernetesSecrets(options: KubernetesSecretsOptions): KubernetesSecrets {
  const { client } = options;
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const argocdNamespace = options.argocdNamespace ?? "argocd";
  const secrets = ttlCache<SecretData | null>(ttlMs, now);
  const repositories = ttlCache<{ labels: Record<string, string>; data: Record<string, string> }[]>(ttlMs, now);

  // Callers get their own copy: the cached value is shared by every reader within the TTL.
  const getSecret = async (namespace: string, name: string, requestOptions?: RequestOptions) => {
    const data = await readSecret(namespace, name, requestOptions);
    return data === null ? null : { ...data };
  };
  const readSecret = (namespace: string, name: string, requestOptions?: RequestOptions): Promise<SecretData | null> =>
    secrets(`${namespace}/${name}`, async () => {
      try {
        const secret = await client.call(
          { verb: "get", resource: "secrets", namespace, name },
          (callOptions) => client.core.readNamespacedSecret({ namespace, name }, callOptions),
          requestOptions?.signal,
        );
        return decode(secret.data);
      } catch (error) {
        if (!(error instanceof KubeApiError)) throw error;
        if (error.status === 404) return null;
        // A Secret the Role does not let us read is a credentials problem of that image, not an outage.
        throw new SourceError(error.status === 403 ? "CREDENTIALS_UNAVAILABLE" : "SOURCE_UNAVAILABLE", error.message, {
          cause: error,
          retryable: error.retryable,
        });
      }
    });

  const repositorySecrets = (requestOptions?: RequestOptions) =>
    repositories(argocdNamespace, async () => {
      const list = await client.call(
        { verb: "list", resource: "secrets", namespace: argocdNamespace },
        (callOptions) =>
          client.core.listNamespacedSecret(
            { namespace: argocdNamespace, labelSelector: "argocd.argoproj.io/secret-type in (repository,repo-creds)" },
            callOptions,
          ),
        requestOptions?.signal,
      );
      return list.items.map((secret) => ({ labels: secret.metadata?.labels ?? {}, data: decode(secret.data) }));
    });

  return {
    resolver: { getSecret },
    gitCredentials: {
      async resolve(source, repoUrl, requestOptions) {
        if (source.kind === "secret") {
          const label = `${source.namespace}/${source.name}`;
          const data = await getSecret(source.namespace, source.name, requestOptions);
          if (data === null) {
            throw new SourceError(
              "CREDENTIALS_UNAVAILABLE",
              `[kubernetes] Secret ${label} for git write-back not found`,
            );
          }
          const credentials = gitCredentialsFromSecret(data, repoUrl);
          if (!credentials) {
            throw new SourceError(
              "CREDENTIALS_UNAVAILABLE",
              `[kubernetes] ${missingGitCredentialFields(label, repoUrl)}`,
            );
          }
          return credentials;
        }
        const match = findRepositorySecret(await repositorySecrets(requestOptions), repoUrl);
        return match ? gitCredentialsFromSecret(match.data, repoUrl) : null;
      },
    },
  };
}
