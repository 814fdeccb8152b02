/**
 * @image-updater/registry-adapters: registry clients (OCI Distribution, OCI image layout) and the
 * credential sources they use. Wrap a client with core's `withRegistryPolicies` for caching, retries and limits.
 */
export {
  type ConfiguredRegistry,
  type ConfiguredRegistryOptions,
  createConfiguredRegistry,
  describeRegistriesConfDiagnostics,
} from "./configured.js";
export { type CredentialSourceOptions, createCredentialSource } from "./credentials/reference.js";
export { createStaticCredentials } from "./credentials/static.js";
export type { CredentialSource } from "./credentials/types.js";
export {
  createOciRegistryClient,
  type OciRegistryClient,
  type OciRegistryClientOptions,
} from "./oci-distribution/index.js";
export { createOciLayoutClient, type OciLayoutClientOptions } from "./oci-layout.js";
