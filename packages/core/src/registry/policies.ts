/**
 * The policies core wraps around any registry client, so every adapter gets them without doing anything:
 * per-registry rate limit, concurrency cap, retries with jittered backoff that honour `Retry-After`, a circuit
 * breaker, sharing of identical calls, a per-cycle tag-list cache, a metadata cache, and request counters.
 */
import pLimit from "p-limit";
import { resolveRegistryEndpoint } from "../config/registry-endpoint.js";
import { ImageUpdaterError, RegistryError } from "../errors.js";
import { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from "./circuit-breaker.js";
import { createMetadataCache, type MetadataCache, type MetadataCacheOptions, platformKey } from "./metadata-cache.js";
import { createRateLimiter, type RateLimiter } from "./rate-limiter.js";
import {
  createRequestCounter,
  type RegistryCallCount,
  type RegistryCallEvent,
  type RegistryCallMethod,
} from "./request-counter.js";
import { type RetryOptions, withRetry } from "./retry.js";
import { createSharedCalls } from "./shared-calls.js";
import { sleep as defaultSleep } from "./sleep.js";
import type {
  CredentialReference,
  ImageRepository,
  ManifestMetadata,
  MetadataOptions,
  RegistryClient,
  RegistryEndpoint,
  RegistryHttpRequest,
  RegistryRequestEvent,
  RegistryRequestOptions,
} from "./types.js";

/** Error codes as `registry:request` outcomes name them. */
const OUTCOMES: Readonly<Record<string, string>> = {
  REGISTRY_AUTH: "auth",
  CREDENTIALS_UNAVAILABLE: "auth",
  REGISTRY_NOT_FOUND: "not-found",
  REGISTRY_RATE_LIMITED: "rate-limited",
  REGISTRY_UNAVAILABLE: "unavailable",
  REGISTRY_CIRCUIT_OPEN: "unavailable",
  TIMEOUT: "unavailable",
  REGISTRY_PROTOCOL: "protocol",
  ABORTED: "aborted",
};

function outcomeOfError(error: unknown): string {
  return error instanceof ImageUpdaterError ? (OUTCOMES[error.code] ?? "protocol") : "protocol";
}

/** The outcome of one HTTP request: its status class, or its error. */
function outcomeOfHttp(request: RegistryHttpRequest): string {
  if (request.error !== undefined) return OUTCOMES[request.error] ?? "protocol";
  const status = request.status ?? 0;
  if (status === 404) return "not-found";
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate-limited";
  if (status >= 500 || status === 408) return "unavailable";
  return status >= 200 && status < 400 ? "ok" : "protocol";
}

/** Options of {@link withRegistryPolicies}. Every policy has a sane default; `false` turns one off. */
export interface RegistryPolicyOptions {
  /**
   * Requests per second per registry host (`limit` of `registries.conf`): a table (see
   * {@link rateLimitsFromEndpoints}) or a function of the host (see {@link rateLimitOfEndpoints}).
   */
  readonly rateLimits?: Readonly<Record<string, number>> | ((registry: string) => number | undefined);
  /** Calls in flight per registry host. @default 8 */
  readonly concurrency?: number;
  /** Retries of retryable failures (429, 5xx, network, timeouts). @default 3 retries */
  readonly retry?: RetryOptions | false;
  /** @default opens after 5 consecutive failures, for 30 s */
  readonly circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * Metadata cache settings (`maxEntries` bounds memory; `directory` keeps the rest on disk), or a cache to share
   * between clients. @default 10 000 entries in memory
   */
  readonly metadataCache?: MetadataCacheOptions | MetadataCache | false;
  /**
   * Tag lists and tag digests are shared until the next {@link PolicyRegistryClient.beginCycle}, and at most
   * this long, for callers that never begin cycles. @default 300_000
   */
  readonly cycleTtlMs?: number;
  /** Something worth a log line (a cache file that cannot be written). */
  readonly onWarning?: (message: string) => void;
  /** Every counted call, for metrics. */
  readonly onCall?: (event: RegistryCallEvent) => void;
  /**
   * Every HTTP request the client sent and every call answered from a cache, in the engine's
   * `registry:request` shape. A call's own `onRequest` option (the engine installs one) is told as well.
   */
  readonly onRequest?: (event: RegistryRequestEvent) => void;
  /** Clock, sleep and randomness, replaceable in tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/** A registry client with the policies applied. */
export interface PolicyRegistryClient extends RegistryClient {
  /** The client underneath. */
  readonly raw: RegistryClient;
  /** Starts a cycle: tag lists and digests are fetched afresh; the metadata cache is saved if it changed. */
  beginCycle(): void;
  /** Counters per registry, method and outcome since creation. */
  requestCounts(): readonly RegistryCallCount[];
  /** Saves the metadata cache file now (when one is configured and something changed). */
  flush(): Promise<void>;
}

interface RegistryState {
  readonly limit: ReturnType<typeof pLimit>;
  readonly rate?: RateLimiter;
  readonly breaker?: CircuitBreaker;
}

/** `limit` per registry host from `registries.conf` entries (the host part of each prefix). */
export function rateLimitsFromEndpoints(endpoints: readonly RegistryEndpoint[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const endpoint of endpoints) {
    const host = endpoint.prefix.split("/")[0] ?? "";
    if (host !== "" && endpoint.limit !== undefined && endpoint.limit > 0) limits[host] = endpoint.limit;
  }
  return limits;
}

/**
 * The `limit` of the endpoint serving each registry host, as `resolveRegistryEndpoint` picks it: a configured
 * entry's (none: unlimited), Docker Hub's, or the inferred endpoint's for registries the file does not name.
 */
export function rateLimitOfEndpoints(endpoints: readonly RegistryEndpoint[]): (registry: string) => number | undefined {
  return (registry) => resolveRegistryEndpoint(endpoints, { registry, repository: "" }).limit;
}

function credentialKey(reference: CredentialReference | undefined): string {
  if (reference === undefined) return "";
  return Object.entries(reference)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(",");
}

/** The options the raw client gets: the call's own, this layer's signal and observer, never `onRequest` (told here). */
function downstream<O extends RegistryRequestOptions>(
  callOptions: O | undefined,
  signal: AbortSignal,
  onHttpRequest: (request: RegistryHttpRequest) => void,
  pace: (signal?: AbortSignal) => Promise<void>,
): O {
  const { onRequest: _told, ...rest } = callOptions ?? ({} as O);
  return { ...rest, signal, onHttpRequest, pace } as unknown as O;
}

function isCache(value: MetadataCacheOptions | MetadataCache): value is MetadataCache {
  return "getByDigest" in value;
}

/** Wraps `client` with the policies. The result is itself a {@link RegistryClient}. */
export function withRegistryPolicies(
  client: RegistryClient,
  options: RegistryPolicyOptions = {},
): PolicyRegistryClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const warn = options.onWarning ?? (() => {});
  const counter = createRequestCounter();
  const registries = new Map<string, RegistryState>();
  const cycle = createSharedCalls(options.cycleTtlMs ?? 300_000, now);
  const inFlight = createSharedCalls();
  const cacheOption = options.metadataCache ?? {};
  const cache: MetadataCache | undefined =
    cacheOption === false
      ? undefined
      : isCache(cacheOption)
        ? cacheOption
        : createMetadataCache({ ...cacheOption, onWarning: cacheOption.onWarning ?? warn });

  function count(registry: string, method: RegistryCallMethod, outcome: RegistryCallEvent["outcome"]): void {
    const event = { registry, method, outcome };
    counter.add(event);
    options.onCall?.(event);
  }

  function stateOf(registry: string): RegistryState {
    let state = registries.get(registry);
    if (state === undefined) {
      const limits = options.rateLimits;
      const rps = typeof limits === "function" ? limits(registry) : limits?.[registry];
      state = {
        limit: pLimit(Math.max(1, options.concurrency ?? 8)),
        ...(rps !== undefined && rps > 0 ? { rate: createRateLimiter({ requestsPerSecond: rps, now, sleep }) } : {}),
        ...(options.circuitBreaker === false
          ? {}
          : { breaker: createCircuitBreaker(registry, options.circuitBreaker ?? {}, now) }),
      };
      registries.set(registry, state);
    }
    return state;
  }

  function normalize(error: unknown, registry: string, method: RegistryCallMethod): ImageUpdaterError {
    if (error instanceof ImageUpdaterError) return error;
    // An adapter bug or an unexpected throw: typed, with the original kept as the cause only.
    return new RegistryError("REGISTRY_PROTOCOL", `[${client.id}] ${method} on ${registry}: unexpected failure`, {
      registry,
      cause: error,
    });
  }

  function tell(callOptions: RegistryRequestOptions | undefined, event: RegistryRequestEvent): void {
    options.onRequest?.(event);
    callOptions?.onRequest?.(event);
  }

  /**
   * Runs one raw call with an HTTP observer installed, so each request it sends is one `registry:request`.
   * A client that reports no request (memory, an image layout, a third-party client) counts as one.
   */
  async function observed<T>(
    repo: ImageRepository,
    method: RegistryCallMethod,
    callOptions: RegistryRequestOptions | undefined,
    call: (onHttpRequest: (request: RegistryHttpRequest) => void) => Promise<T>,
  ): Promise<T> {
    let reported = false;
    const onHttpRequest = (request: RegistryHttpRequest): void => {
      reported = true;
      callOptions?.onHttpRequest?.(request);
      tell(callOptions, {
        registry: repo.registry,
        method,
        outcome: outcomeOfHttp(request),
        durationMs: request.durationMs,
        kind: request.kind,
        ...(request.status === undefined ? {} : { status: request.status }),
      });
    };
    const started = now();
    const told = (outcome: string) => {
      if (!reported) tell(callOptions, { registry: repo.registry, method, outcome, durationMs: now() - started });
    };
    try {
      const value = await call(onHttpRequest);
      told(value === null ? "not-found" : "ok");
      return value;
    } catch (error) {
      told(outcomeOfError(error));
      throw error;
    }
  }

  function cachedCall(
    repo: ImageRepository,
    method: RegistryCallMethod,
    callOptions?: RegistryRequestOptions,
    hitReference?: string,
  ): void {
    const cacheHit =
      hitReference === undefined ? {} : { cacheHit: { repository: repo.repository, reference: hitReference } };
    tell(callOptions, { registry: repo.registry, method, outcome: "cached", durationMs: 0, ...cacheHit });
  }

  /** One raw call behind the breaker, limiter, rate limit and retries; counted once. */
  async function guarded<T>(
    repo: ImageRepository,
    method: RegistryCallMethod,
    signal: AbortSignal,
    call: (pace: (signal?: AbortSignal) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const state = stateOf(repo.registry);
    try {
      state.breaker?.enter();
    } catch (error) {
      count(repo.registry, method, (error as RegistryError).code);
      throw error;
    }
    try {
      const value = await withRetry(
        async () => {
          try {
            return await state.limit(async () => {
              if (signal.aborted) throw new ImageUpdaterError("ABORTED", "aborted", { cause: signal.reason });
              await state.rate?.acquire(signal);
              // The call's first HTTP request spent the token above; each further one waits for its own.
              let first = true;
              const pace = async (requestSignal?: AbortSignal): Promise<void> => {
                if (first) {
                  first = false;
                  return;
                }
                await state.rate?.acquire(requestSignal ?? signal);
              };
              return call(pace);
            });
          } catch (raw) {
            throw normalize(raw, repo.registry, method);
          }
        },
        options.retry === false ? { retries: 0 } : (options.retry ?? {}),
        { signal, sleep, random, onRetry: () => count(repo.registry, method, "retry") },
      );
      state.breaker?.success();
      count(repo.registry, method, value === null ? "not-found" : "ok");
      return value;
    } catch (error) {
      const typed = normalize(error, repo.registry, method);
      // Only a registry that keeps failing after retries trips the breaker; a refusal or a 404 is an answer.
      if (typed.code === "ABORTED") state.breaker?.cancel();
      else if (typed.retryable) state.breaker?.failure();
      else state.breaker?.success();
      count(repo.registry, method, typed.code);
      throw typed;
    }
  }

  /**
   * A tag's metadata from the cache. Where the tag points is trusted once this process saw it; a mapping an
   * earlier process stored is confirmed with one HEAD first (shared for the cycle), since the tag may have been
   * pushed again meanwhile: the digest it names now is then looked up, and fetched only when never seen.
   * `null`: the tag no longer exists.
   */
  async function cachedByTag(
    repo: ImageRepository,
    tag: string,
    callOptions: MetadataOptions | undefined,
  ): Promise<ManifestMetadata | null | undefined> {
    if (cache === undefined) return undefined;
    const name = `${repo.registry}/${repo.repository}`;
    const platforms = callOptions?.platforms;
    if (cache.findTag === undefined) {
      return cache.findByTag?.(name, tag, platforms) ?? cache.getByTag(name, tag, platforms);
    }
    const known = await cache.findTag(name, tag);
    if (known === undefined) return undefined;
    const digest = known.confirmed ? known.digest : await policyClient.getDigest(repo, tag, callOptions);
    if (digest === null) return null;
    return cache.findByDigest?.(digest, platforms) ?? cache.getByDigest(digest, platforms);
  }

  function keyOf(method: string, repo: ImageRepository, rest: string, reference?: CredentialReference): string {
    return `${method}\n${repo.registry}\n${repo.repository}\n${rest}\n${credentialKey(reference)}`;
  }

  const policyClient: PolicyRegistryClient = {
    id: client.id,
    capabilities: client.capabilities,
    raw: client,

    listTags(repo, callOptions?: RegistryRequestOptions) {
      // A webhook announced a tag the shared listing lacks: list again, and share that listing from now on.
      if (callOptions?.fresh) cycle.forget(keyOf("listTags", repo, "", callOptions.credentials));
      const { joined, result } = cycle.run(
        keyOf("listTags", repo, "", callOptions?.credentials),
        callOptions?.signal,
        true,
        (signal) =>
          guarded(repo, "listTags", signal, (pace) =>
            observed(repo, "listTags", callOptions, (onHttpRequest) =>
              client.listTags(repo, downstream(callOptions, signal, onHttpRequest, pace)),
            ),
          ),
      );
      if (joined) {
        count(repo.registry, "listTags", "shared");
        cachedCall(repo, "listTags", callOptions);
      }
      return result;
    },

    getDigest(repo, tag, callOptions?: RegistryRequestOptions) {
      // Never answered from the metadata cache: the digest strategy exists to notice a moved tag.
      const { joined, result } = cycle.run(
        keyOf("getDigest", repo, tag, callOptions?.credentials),
        callOptions?.signal,
        true,
        async (signal) => {
          const digest = await guarded(repo, "getDigest", signal, (pace) =>
            observed(repo, "getDigest", callOptions, (onHttpRequest) =>
              client.getDigest(repo, tag, downstream(callOptions, signal, onHttpRequest, pace)),
            ),
          );
          // A moved tag (e.g. `latest`) must not keep answering with the old image's metadata.
          if (digest !== null) cache?.noteDigest(`${repo.registry}/${repo.repository}`, tag, digest);
          return digest;
        },
      );
      if (joined) {
        count(repo.registry, "getDigest", "shared");
        cachedCall(repo, "getDigest", callOptions);
      }
      return result;
    },

    async getMetadata(repo, reference, callOptions?: MetadataOptions): Promise<ManifestMetadata | null> {
      const name = `${repo.registry}/${repo.repository}`;
      const platforms = callOptions?.platforms;
      if (cache !== undefined) {
        await cache.load();
        const hit = reference.includes(":")
          ? await (cache.findByDigest?.(reference, platforms) ?? cache.getByDigest(reference, platforms))
          : await cachedByTag(repo, reference, callOptions);
        if (hit === null) return null;
        if (hit !== undefined) {
          count(repo.registry, "getMetadata", "cached");
          cachedCall(repo, "getMetadata", callOptions, reference);
          return hit;
        }
      }
      const { joined, result } = inFlight.run(
        keyOf("getMetadata", repo, `${reference}\n${platformKey(platforms)}`, callOptions?.credentials),
        callOptions?.signal,
        false,
        async (signal) => {
          const metadata = await guarded(repo, "getMetadata", signal, (pace) =>
            observed(repo, "getMetadata", callOptions, (onHttpRequest) =>
              client.getMetadata(repo, reference, downstream(callOptions, signal, onHttpRequest, pace)),
            ),
          );
          if (metadata !== null) {
            cache?.set(name, reference, platforms, metadata);
            // Read by tag just now: as fresh as a HEAD, so asking where the tag points costs nothing this cycle.
            if (!reference.includes(":")) {
              const key = keyOf("getDigest", repo, reference, callOptions?.credentials);
              cycle.run(key, undefined, true, async () => metadata.digest);
            }
          }
          return metadata;
        },
      );
      if (joined) {
        count(repo.registry, "getMetadata", "shared");
        cachedCall(repo, "getMetadata", callOptions);
      }
      return result;
    },

    beginCycle() {
      cycle.clear();
      cache?.save().catch(() => warn("[policies] metadata cache could not be saved; it will be retried"));
    },

    requestCounts() {
      return counter.snapshot();
    },

    flush() {
      return cache?.save() ?? Promise.resolve();
    },

    async dispose() {
      try {
        await cache?.save();
      } catch {
        warn("[policies] metadata cache could not be saved");
      }
      await client.dispose?.();
    },
  };
  return policyClient;
}
