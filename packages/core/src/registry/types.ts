/**
 * The registry contract: what the engine needs from any image registry. Adapters implement
 * {@link RegistryClient}; core wraps them with rate limits, retries, caches and request counting.
 */

import type { ErrorCode } from "../errors.js";

/** Options every I/O method accepts. */
export interface RequestOptions {
  /** Aborting rejects the call with an `ABORTED` error. */
  readonly signal?: AbortSignal;
}

/** An image repository inside a registry. */
export interface ImageRepository {
  /** Registry host with optional port, e.g. `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `library/nginx`, `myorg/myapp`. */
  readonly repository: string;
}

/** A target platform, as in an OCI index descriptor. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** Manifest formats we understand. Docker schema 1 is obsolete and not supported. */
export type ManifestKind = "oci-manifest" | "oci-index" | "docker-manifest" | "docker-manifest-list";

/** What an image's config blob tells us. */
export interface ImageMetadata {
  /** Digest of the manifest, e.g. `sha256:…`. */
  readonly digest: string;
  readonly kind: ManifestKind;
  /** Config `created`; absent when the image does not record it. */
  readonly createdAt?: Date;
  /** Platform from the config (single image) or from the index descriptor (index child). */
  readonly platform?: Platform;
  /** Config labels (`config.Labels`). Empty when none. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Metadata of a tag or digest: a single image, or an index with its children. */
export interface ManifestMetadata extends ImageMetadata {
  /**
   * For an index or manifest list: the children whose platform matched the request (all children when no
   * platform was requested), each with its own config metadata. Absent for a single image.
   */
  readonly children?: readonly ImageMetadata[];
}

/** What a client can do; tested by the conformance suite, not trusted. */
export interface RegistryCapabilities {
  /** `getMetadata` fills `createdAt` when the image records it. Needed by newest-build. */
  readonly createdAt: boolean;
  /** `getMetadata` reports platforms and index children. */
  readonly platforms: boolean;
  /** `getMetadata` reports config labels. */
  readonly labels: boolean;
}

/** What an HTTP request to a registry was for. */
export type RegistryHttpRequestKind = "token" | "tags" | "manifest" | "blob";

/** One HTTP request a client sent, reported after it ends. Carries no header, query string or body. */
export interface RegistryHttpRequest {
  /** Registry host as the image names it, e.g. `docker.io`. */
  readonly registry: string;
  readonly method: "GET" | "HEAD";
  readonly kind: RegistryHttpRequestKind;
  /** HTTP status; absent when no response came (network failure, timeout, abort). */
  readonly status?: number;
  /** Error code when the request failed, else absent. */
  readonly error?: ErrorCode;
  /** From sending to the end of the body. */
  readonly durationMs: number;
}

/**
 * A registry call as the engine's `registry:request` event reports it: one per HTTP request an adapter sent
 * (token fetches and retries included), and one with outcome `cached` per call answered without a request.
 */
export interface RegistryRequestEvent {
  readonly registry: string;
  /** The client call the request served: `listTags`, `getDigest`, `getMetadata`. */
  readonly method: string;
  /** `ok`, `not-found`, `auth`, `rate-limited`, `unavailable`, `protocol`, `aborted`, `cached`. */
  readonly outcome: string;
  readonly durationMs: number;
  /** What the HTTP request was for; absent for `cached` and for clients that send no HTTP. */
  readonly kind?: RegistryHttpRequestKind;
  /** HTTP status, when a response came. */
  readonly status?: number;
  /** For a metadata cache hit: the repository path in the registry and the tag or digest it answered for. */
  readonly cacheHit?: { readonly repository: string; readonly reference: string };
}

/** Options of every {@link RegistryClient} call. */
export interface RegistryRequestOptions extends RequestOptions {
  /**
   * Called after every HTTP request the call sends, token fetches and redirects included. Clients that
   * speak HTTP must call it; the policies install it so request metrics count requests, not calls.
   */
  readonly onHttpRequest?: (request: RegistryHttpRequest) => void;
  /**
   * Awaited before every HTTP request the call sends: the policies' rate limit (`limit` of
   * `registries.conf`) lives here, so a call that needs five requests waits for five turns. Clients that
   * speak HTTP must await it; clients that never call it are paced once per call.
   */
  readonly pace?: (signal?: AbortSignal) => Promise<void>;
  /**
   * The engine's observer, read by core's policies (`withRegistryPolicies`): they turn each HTTP request and
   * each cache hit of the call into a {@link RegistryRequestEvent}. Raw clients ignore it.
   */
  readonly onRequest?: (event: RegistryRequestEvent) => void;
  /**
   * Credentials for this call instead of the endpoint's, e.g. an image's `pull-secret` annotation. Clients that
   * have no use for credentials ignore it; core's caches keep calls with different credentials apart.
   */
  readonly credentials?: CredentialReference;
  /**
   * `listTags` only: do not answer from this cycle's shared listing; list again (the result is then shared).
   * The engine asks for it when a webhook announced a tag the shared listing did not have yet.
   */
  readonly fresh?: boolean;
}

/** Options of {@link RegistryClient.getMetadata}. */
export interface MetadataOptions extends RegistryRequestOptions {
  /** Only index children of these platforms are fetched. Empty or absent: all children. */
  readonly platforms?: readonly Platform[];
}

/** A registry, raw: no retries, no caches. Core adds those with `withRegistryPolicies`. */
export interface RegistryClient {
  /** Adapter id, kebab-case: `oci-distribution`, `oci-layout`, `in-memory`. */
  readonly id: string;
  readonly capabilities: RegistryCapabilities;
  /**
   * Every tag of `repo`, pagination resolved, in the order the registry returns them.
   * Rejects with `REGISTRY_NOT_FOUND` when the repository does not exist, `REGISTRY_AUTH` when refused.
   */
  listTags(repo: ImageRepository, options?: RegistryRequestOptions): Promise<readonly string[]>;
  /**
   * Digest a tag points at, spending the cheapest request the registry offers (`HEAD`).
   * Resolves `null` when the tag does not exist.
   */
  getDigest(repo: ImageRepository, tag: string, options?: RegistryRequestOptions): Promise<string | null>;
  /**
   * Manifest and config metadata of a tag or digest (`sha256:…`). Resolves `null` when it does not exist.
   * Index children are filtered by `options.platforms` before they are fetched.
   */
  getMetadata(repo: ImageRepository, reference: string, options?: MetadataOptions): Promise<ManifestMetadata | null>;
  /** Releases sockets and timers. Idempotent. */
  dispose?(): Promise<void>;
}

/** Username and password (or token) for a registry. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Where credentials come from, as written in `registries.conf` or a `pull-secret` annotation.
 * `secret` without `field` is the seed's form: the Secret's `username` and `password` fields.
 */
export type CredentialReference =
  | { readonly kind: "pullsecret"; readonly namespace: string; readonly name: string }
  | { readonly kind: "secret"; readonly namespace: string; readonly name: string; readonly field?: string }
  | { readonly kind: "env"; readonly variable: string }
  | { readonly kind: "ext"; readonly path: string };

/** Reads Kubernetes Secrets for `pullsecret:` and `secret:` references. k8s-source implements it. */
export interface SecretResolver {
  /** The Secret's decoded data, or `null` when it does not exist. */
  getSecret(
    namespace: string,
    name: string,
    options?: RequestOptions,
  ): Promise<Readonly<Record<string, string>> | null>;
}

/** How the registry orders its tag list, for registries that cannot report `created` cheaply. */
export type TagSortMode = "none" | "latest-first" | "latest-last";

/** One registry of `registries.conf`, resolved with defaults. */
export interface RegistryEndpoint {
  /** Display name (`name:`). */
  readonly name: string;
  /** Image prefix this entry serves (`prefix:`), e.g. `docker.io`, `ghcr.io/org`. Empty for a pure default. */
  readonly prefix: string;
  /** Base URL of the registry API without trailing slash, e.g. `https://registry-1.docker.io`. */
  readonly apiUrl: string;
  /** Namespace added to single-segment names (`library` on Docker Hub). */
  readonly defaultNamespace?: string;
  readonly credentials?: CredentialReference;
  /** How long fetched credentials stay valid, in milliseconds. 0 or absent: until they fail. */
  readonly credentialsExpireMs?: number;
  readonly tagSortMode: TagSortMode;
  /** Skip TLS verification (and allow plain http). */
  readonly insecure: boolean;
  /** PEM CA bundle path (`ca_file`). */
  readonly caFile?: string;
  /** Inline PEM CA bundle (`ca_data`). */
  readonly caData?: string;
  /** Requests per second; absent means unlimited. */
  readonly limit?: number;
  /** Deadline of one HTTP request to this registry, body included (`timeout`); absent: the client's default. */
  readonly timeoutMs?: number;
  /**
   * Most tags read per repository (`maxtags`); a longer list is an error for the image, never a silent cut.
   * Absent: the client's default.
   */
  readonly maxTags?: number;
  /** This entry serves images whose registry matches no prefix. */
  readonly isDefault: boolean;
}
