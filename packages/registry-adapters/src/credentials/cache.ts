/** Time-bounded caching with one fetch in flight, shared by the sources that are costly to read. */
import type { RegistryCredentials, RequestOptions } from "@image-updater/core";
import type { CredentialSource } from "./types.js";

/** Options of {@link createCachedSource}. */
export interface CachedSourceOptions {
  readonly id: string;
  /** Reads the credentials; called again after expiry or {@link CredentialSource.invalidate}. */
  readonly fetch: (options?: RequestOptions) => Promise<RegistryCredentials | null>;
  /** How long a value is kept, in ms. 0 or absent: until invalidated (`credsexpire` unset). */
  readonly expireMs?: number;
  readonly now?: () => number;
}

/** A source that caches `fetch`'s answer until `expireMs` passes or the registry refuses it. */
export function createCachedSource(options: CachedSourceOptions): CredentialSource {
  const now = options.now ?? Date.now;
  let cached: { value: Promise<RegistryCredentials | null>; expiresAt: number } | undefined;
  return {
    id: options.id,
    get(requestOptions) {
      if (cached !== undefined && now() < cached.expiresAt) return cached.value;
      const expireMs = options.expireMs ?? 0;
      const value = options.fetch(requestOptions);
      const entry = { value, expiresAt: expireMs > 0 ? now() + expireMs : Number.POSITIVE_INFINITY };
      cached = entry;
      // A failed read is not kept: the next call tries again.
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
      return value;
    },
    invalidate() {
      cached = undefined;
      return true;
    },
  };
}
