import type { CredentialReference, SecretResolver } from "@image-updater/core";
import { createEnvCredentials } from "./env.js";
import { credentialsError } from "./errors.js";
import { createExtCredentials } from "./ext.js";
import { createPullSecretCredentials, createSecretCredentials } from "./secret.js";
import type { CredentialSource } from "./types.js";

/** Options of {@link createCredentialSource}. */
export interface CredentialSourceOptions {
  /** Reads Kubernetes Secrets; required for `pullsecret:` and `secret:` references. */
  readonly secrets?: SecretResolver;
  /** Registry as images name it and its API URL, for matching `.dockerconfigjson` entries. */
  readonly registries?: readonly string[];
  /** `credsexpire` in ms. */
  readonly expireMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Variables `ext:` scripts must not see (other credentials). */
  readonly hiddenVariables?: readonly string[];
  /** Timeout of `ext:` scripts. @default 10_000 */
  readonly extTimeoutMs?: number;
  readonly now?: () => number;
}

/** A stable, secret-free key for a reference, e.g. `pullsecret:argocd/regcred`. */
export function credentialReferenceKey(reference: CredentialReference): string {
  switch (reference.kind) {
    case "env":
      return `env:${reference.variable}`;
    case "ext":
      return `ext:${reference.path}`;
    case "pullsecret":
      return `pullsecret:${reference.namespace}/${reference.name}`;
    case "secret":
      return `secret:${reference.namespace}/${reference.name}${reference.field === undefined ? "" : `#${reference.field}`}`;
  }
}

function unresolvable(reference: CredentialReference): CredentialSource {
  const id = credentialReferenceKey(reference);
  return {
    id,
    get: () => Promise.reject(credentialsError(id, "no SecretResolver was given to read Kubernetes Secrets")),
    invalidate: () => false,
  };
}

/** The source for a parsed `credentials:` value or `pull-secret` annotation. */
export function createCredentialSource(
  reference: CredentialReference,
  options: CredentialSourceOptions = {},
): CredentialSource {
  const timing = {
    ...(options.expireMs === undefined ? {} : { expireMs: options.expireMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  switch (reference.kind) {
    case "env":
      return createEnvCredentials({ variable: reference.variable, ...(options.env ? { env: options.env } : {}) });
    case "ext":
      return createExtCredentials({
        path: reference.path,
        ...timing,
        ...(options.extTimeoutMs === undefined ? {} : { timeoutMs: options.extTimeoutMs }),
        ...(options.hiddenVariables === undefined ? {} : { hiddenVariables: options.hiddenVariables }),
      });
    case "secret":
      if (options.secrets === undefined) return unresolvable(reference);
      return createSecretCredentials({
        resolver: options.secrets,
        namespace: reference.namespace,
        name: reference.name,
        ...(reference.field === undefined ? {} : { field: reference.field }),
        ...timing,
      });
    case "pullsecret":
      if (options.secrets === undefined) return unresolvable(reference);
      return createPullSecretCredentials({
        resolver: options.secrets,
        namespace: reference.namespace,
        name: reference.name,
        registries: options.registries ?? [],
        ...timing,
      });
  }
}
