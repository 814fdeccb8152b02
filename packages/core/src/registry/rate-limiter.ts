import { sleep as defaultSleep } from "./sleep.js";

/** Paces calls to at most `requestsPerSecond`, evenly spaced (a leaky bucket, as `limit` in `registries.conf`). */
export interface RateLimiter {
  /** Resolves when the caller may send; rejects with `ABORTED` if `signal` aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  readonly requestsPerSecond: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A limiter spacing calls `1000 / requestsPerSecond` ms apart. A non-positive rate means no limit. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const interval = options.requestsPerSecond > 0 ? 1000 / options.requestsPerSecond : 0;
  let next = Number.NEGATIVE_INFINITY;
  return {
    async acquire(signal) {
      if (interval === 0) return;
      const current = now();
      const slot = Math.max(current, next);
      next = slot + interval;
      if (slot > current) await sleep(slot - current, signal);
    },
  };
}
