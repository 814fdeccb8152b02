export { type CachedSourceOptions, createCachedSource } from "./cache.js";
export { type DockerConfigMatch, findDockerConfigAuth, normalizeRegistryHost } from "./docker-config.js";
export { createEnvCredentials, type EnvCredentialsOptions } from "./env.js";
export { createExtCredentials, type ExtCredentialsOptions } from "./ext.js";
export { parseUserPass } from "./parse.js";
export { type CredentialSourceOptions, createCredentialSource, credentialReferenceKey } from "./reference.js";
export {
  createPullSecretCredentials,
  createSecretCredentials,
  type PullSecretCredentialsOptions,
  type SecretCredentialsOptions,
} from "./secret.js";
export { createStaticCredentials } from "./static.js";
export type { CredentialSource } from "./types.js";
