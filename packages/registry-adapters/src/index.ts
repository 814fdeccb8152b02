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
export * from "./credentials/index.js";
export {
  createOciRegistryClient,
  type OciRegistryClient,
  type OciRegistryClientOptions,
  scopeActions,
} from "./oci-distribution/index.js";
export { createOciLayoutClient, type OciLayoutClientOptions, tagOfRefName } from "./oci-layout.js";
