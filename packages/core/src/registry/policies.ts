/**
 * The policies core wraps around any registry client, so every adapter gets them without doing anything:
 * per-registry rate limit, concurrency cap, retries with jittered backoff that honour `Retry-After`, a circuit
 * breaker, sharing of identical calls, a per-cycle tag-list cache, a metadata cache, and request counters.
 */
import pLimit from "p-limit";
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
  RegistryRequestOptions,
} from "./types.js";

/** Options of {@link withRegistryPolicies}. Every policy has a sane default; `false` turns one off. */
export interface RegistryPolicyOptions {
  /** Calls per second per registry host (`limit` of `registries.conf`); see {@link rateLimitsFromEndpoints}. */
  readonly rateLimits?: Readonly<Record<string, number>>;
  /** Calls in flight per registry host. @default 8 */
  readonly concurrency?: number;
  /** Retries of retryable failures (429, 5xx, network, timeouts). @default 3 retries */
  readonly retry?: RetryOptions | false;
  /** @default opens after 5 consecutive failures, for 30 s */
  readonly circuitBreaker?: CircuitBreakerOptions | false;
  /** Metadata cache settings, or a cache to share between clients. @default 10 000 entries in memory */
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

function credentialKey(reference: CredentialReference | undefined): string {
  if (reference === undefined) return "";
  return Object.entries(reference)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(",");
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
      const rps = options.rateLimits?.[registry];
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

  /** One raw call behind the breaker, limiter, rate limit and retries; counted once. */
  async function guarded<T>(
    repo: ImageRepository,
    method: RegistryCallMethod,
    signal: AbortSignal,
    call: () => Promise<T>,
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
              return call();
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

  function keyOf(method: string, repo: ImageRepository, rest: string, reference?: CredentialReference): string {
    return `${method}\n${repo.registry}\n${repo.repository}\n${rest}\n${credentialKey(reference)}`;
  }

  return {
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
        (signal) => guarded(repo, "listTags", signal, () => client.listTags(repo, { ...callOptions, signal })),
      );
      if (joined) count(repo.registry, "listTags", "shared");
      return result;
    },

    getDigest(repo, tag, callOptions?: RegistryRequestOptions) {
      // Never answered from the metadata cache: the digest strategy exists to notice a moved tag.
      const { joined, result } = cycle.run(
        keyOf("getDigest", repo, tag, callOptions?.credentials),
        callOptions?.signal,
        true,
        async (signal) => {
          const digest = await guarded(repo, "getDigest", signal, () =>
            client.getDigest(repo, tag, { ...callOptions, signal }),
          );
          // A moved tag (e.g. `latest`) must not keep answering with the old image's metadata.
          if (digest !== null) cache?.noteDigest(`${repo.registry}/${repo.repository}`, tag, digest);
          return digest;
        },
      );
      if (joined) count(repo.registry, "getDigest", "shared");
      return result;
    },

    async getMetadata(repo, reference, callOptions?: MetadataOptions): Promise<ManifestMetadata | null> {
      const name = `${repo.registry}/${repo.repository}`;
      const platforms = callOptions?.platforms;
      if (cache !== undefined) {
        await cache.load();
        const hit = reference.includes(":")
          ? cache.getByDigest(reference, platforms)
          : cache.getByTag(name, reference, platforms);
        if (hit !== undefined) {
          count(repo.registry, "getMetadata", "cached");
          return hit;
        }
      }
      const { joined, result } = inFlight.run(
        keyOf("getMetadata", repo, `${reference}\n${platformKey(platforms)}`, callOptions?.credentials),
        callOptions?.signal,
        false,
        async (signal) => {
          const metadata = await guarded(repo, "getMetadata", signal, () =>
            client.getMetadata(repo, reference, { ...callOptions, signal }),
          );
          if (metadata !== null) cache?.set(name, reference, platforms, metadata);
          return metadata;
        },
      );
      if (joined) count(repo.registry, "getMetadata", "shared");
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
}
