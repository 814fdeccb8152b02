export { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from "./circuit-breaker.js";
export { createLruCache, type LruCache } from "./lru-cache.js";
export {
  createMetadataCache,
  type MetadataCache,
  type MetadataCacheOptions,
  platformKey,
} from "./metadata-cache.js";
export {
  type PolicyRegistryClient,
  type RegistryPolicyOptions,
  rateLimitOfEndpoints,
  rateLimitsFromEndpoints,
  withRegistryPolicies,
} from "./policies.js";
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./rate-limiter.js";
export {
  createRequestCounter,
  type RegistryCallCount,
  type RegistryCallEvent,
  type RegistryCallMethod,
  type RegistryCallOutcome,
  type RequestCounter,
} from "./request-counter.js";
export { type RetryContext, type RetryOptions, withRetry } from "./retry.js";
export {
  createRegistryRouter,
  type RegistryRouter,
  type RegistryRouterOptions,
} from "./router.js";
export { createSharedCalls, type SharedCalls } from "./shared-calls.js";
export type * from "./types.js";
