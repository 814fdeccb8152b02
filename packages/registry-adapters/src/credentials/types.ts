/** The shape every credential source has. */
import type { RegistryCredentials, RequestOptions } from "@image-updater/core";

/** Yields the credentials of one registry (or one image's pull secret), caching them as its kind allows. */
export interface CredentialSource {
  /** What the source reads, for cache keys and messages, e.g. `env:REGISTRY_CREDS`. Never a secret. */
  readonly id: string;
  /** The credentials, or `null` for anonymous access. Rejects with `CREDENTIALS_UNAVAILABLE`. */
  get(options?: RequestOptions): Promise<RegistryCredentials | null>;
  /**
   * Forgets a cached value, because the registry refused it. Returns `true` when the next {@link get} may
   * yield something different (so one retry is worth it), `false` for fixed credentials.
   */
  invalidate(): boolean;
}
