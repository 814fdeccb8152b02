import type { RegistryCredentials, RequestOptions, SecretResolver } from "@image-updater/core";
import { createCachedSource } from "./cache.js";
import { findDockerConfigAuth } from "./docker-config.js";
import { credentialsError } from "./errors.js";
import { parseUserPass } from "./parse.js";
import type { CredentialSource } from "./types.js";

/** Options of {@link createSecretCredentials}. */
export interface SecretCredentialsOptions {
  readonly resolver: SecretResolver;
  readonly namespace: string;
  readonly name: string;
  /** Field holding `user:pass`. Absent: the Secret's `username` and `password` fields (the seed's form). */
  readonly field?: string;
  /** How long a read value is reused, in ms. 0 or absent: until the registry refuses it. */
  readonly expireMs?: number;
  readonly now?: () => number;
}

async function readSecret(
  id: string,
  resolver: SecretResolver,
  namespace: string,
  name: string,
  options?: RequestOptions,
): Promise<Readonly<Record<string, string>>> {
  let data: Readonly<Record<string, string>> | null;
  try {
    data = await resolver.getSecret(namespace, name, options);
  } catch (cause) {
    throw credentialsError(id, "the secret could not be read", cause);
  }
  if (data === null) throw credentialsError(id, "the secret does not exist");
  return data;
}

function timing(options: { expireMs?: number; now?: () => number }): { expireMs?: number; now?: () => number } {
  return {
    ...(options.expireMs === undefined ? {} : { expireMs: options.expireMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
}

/** `secret:namespace/name[#field]`: `user:pass` in one field, or `username` and `password` fields. */
export function createSecretCredentials(options: SecretCredentialsOptions): CredentialSource {
  const id = `secret:${options.namespace}/${options.name}${options.field === undefined ? "" : `#${options.field}`}`;
  return createCachedSource({
    id,
    ...timing(options),
    async fetch(requestOptions): Promise<RegistryCredentials> {
      const data = await readSecret(id, options.resolver, options.namespace, options.name, requestOptions);
      if (options.field !== undefined) {
        const value = data[options.field];
        if (value === undefined) throw credentialsError(id, `the secret has no field ${options.field}`);
        const parsed = parseUserPass(value);
        if (parsed === null) throw credentialsError(id, `field ${options.field} is not in the form user:password`);
        return parsed;
      }
      const { username, password } = data;
      if (username === undefined || password === undefined || username === "") {
        throw credentialsError(id, "the secret needs username and password fields (or name a field: #field)");
      }
      return { username, password };
    },
  });
}

/** Options of {@link createPullSecretCredentials}. */
export interface PullSecretCredentialsOptions {
  readonly resolver: SecretResolver;
  readonly namespace: string;
  readonly name: string;
  /** Registry as images name it (`docker.io`) and the API URL (`https://registry-1.docker.io`); either may match. */
  readonly registries: readonly string[];
  readonly expireMs?: number;
  readonly now?: () => number;
}

/** `pullsecret:namespace/name`: the `.dockerconfigjson` entry for the registry, Docker Hub aliases included. */
export function createPullSecretCredentials(options: PullSecretCredentialsOptions): CredentialSource {
  const id = `pullsecret:${options.namespace}/${options.name}`;
  return createCachedSource({
    id,
    ...timing(options),
    async fetch(requestOptions): Promise<RegistryCredentials> {
      const data = await readSecret(id, options.resolver, options.namespace, options.name, requestOptions);
      const json = data[".dockerconfigjson"] ?? data[".dockercfg"];
      if (json === undefined) throw credentialsError(id, "the secret has no .dockerconfigjson field");
      // The legacy .dockercfg is the `auths` object itself.
      const match = findDockerConfigAuth(
        data[".dockerconfigjson"] === undefined ? `{"auths":${json}}` : json,
        options.registries,
      );
      if (!match.found) throw credentialsError(id, match.reason);
      return match.credentials;
    },
  });
}
