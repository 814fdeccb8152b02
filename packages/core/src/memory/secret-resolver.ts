/**
 * The memory secret resolver: Secrets as plain objects keyed `namespace/name`. It records which Secrets were
 * read (names only, never values), so a test can show a credential was looked up where it should be.
 */
import { SourceError } from "../errors.js";
import type { SecretResolver } from "../registry/types.js";

/** Options of {@link createMemorySecretResolver}. */
export interface MemorySecretResolverOptions {
  /** Decoded Secret data by `namespace/name`. */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The memory resolver, plus ways to change what it holds. */
export interface MemorySecretResolver extends SecretResolver {
  /** Sets (or with `null` deletes) the Secret `namespace/name`. */
  set(namespace: string, name: string, data: Readonly<Record<string, string>> | null): void;
  /** `namespace/name` of every read, in order. */
  readonly reads: readonly string[];
}

/** Creates a {@link MemorySecretResolver} holding `options.secrets`. */
export function createMemorySecretResolver(options: MemorySecretResolverOptions = {}): MemorySecretResolver {
  const secrets = new Map(Object.entries(options.secrets ?? {}).map(([key, data]) => [key, { ...data }]));
  const reads: string[] = [];
  return {
    reads,
    set(namespace, name, data) {
      if (data === null) secrets.delete(`${namespace}/${name}`);
      else secrets.set(`${namespace}/${name}`, { ...data });
    },
    async getSecret(namespace, name, requestOptions) {
      const key = `${namespace}/${name}`;
      if (requestOptions?.signal?.aborted) throw new SourceError("ABORTED", `[memory] Secret ${key}: aborted`);
      reads.push(key);
      const data = secrets.get(key);
      // A copy: callers must not be able to change what the next reader sees.
      return data === undefined ? null : { ...data };
    },
  };
}
