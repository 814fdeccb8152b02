import type { RegistryCredentials } from "@image-updater/core";
import type { CredentialSource } from "./types.js";

/** Fixed credentials (or `null` for anonymous). Invalidating them changes nothing. */
export function createStaticCredentials(credentials: RegistryCredentials | null, id = "static"): CredentialSource {
  return {
    id,
    get: () => Promise.resolve(credentials),
    invalidate: () => false,
  };
}
