/** The hint that fits a registry failure: a refused connection and a plain-http registry are told apart. */
import type { ImageUpdaterError } from "@image-updater/core";

/** The seed's advice for a registry failure. */
export const COULD_NOT_UPDATE_IMAGE_HINT =
  "check the registry credentials; check the image name (registries.conf prefix)";

/** What is known of the registry the failed call went to. */
export interface RegistryFailureContext {
  /** Whether registries.conf has an entry for it; unknown when absent. */
  readonly configured?: boolean;
  /** Registry host (`127.0.0.1:5000`), for the example entry. */
  readonly registry?: string;
}

/**
 * The hint for `error`: a TLS handshake answered in plain text means a plain-http registry reached over https
 * (no entry, or an https api_url); a refused connection means nothing listens there; else the seed's advice.
 */
export function registryFailureHint(error: ImageUpdaterError, context: RegistryFailureContext = {}): string {
  const host = context.registry ?? "HOST:PORT";
  const entry = `add a registries.conf entry with prefix: ${host}, api_url: http://${host} and insecure: yes`;
  if (error.code === "REGISTRY_UNAVAILABLE" && /ERR_SSL_WRONG_VERSION_NUMBER|EPROTO/.test(error.message)) {
    return `the registry answered https in plain http: for a plain-http registry ${entry}`;
  }
  if (error.code === "REGISTRY_UNAVAILABLE" && /ECONNREFUSED/.test(error.message)) {
    if (context.configured === false) {
      return `nothing accepts connections at https://${host}: check the image's registry and port; for a plain-http registry ${entry}`;
    }
    return "nothing accepts connections there: check the registry host and port (registries.conf api_url)";
  }
  return COULD_NOT_UPDATE_IMAGE_HINT;
}
