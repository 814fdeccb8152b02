/**
 * A token bucket that refuses instead of queueing: under a flood, callers get 429 at once and hold no
 * socket or memory, so the update loop keeps its share of the process.
 */

/** Admits at most `allowed` requests per `periodMs`, refilled evenly. */
export interface RequestBudget {
  /** True when the request may proceed (and spends a token). */
  take(): boolean;
  /** Milliseconds until the next token, for `Retry-After`. */
  retryAfterMs(): number;
}

/** A budget of `allowed` per `periodMs` (default one hour, argocd-image-updater's unit); 0 means unlimited. */
export function createRequestBudget(
  allowed: number,
  periodMs = 3_600_000,
  now: () => number = Date.now,
): RequestBudget {
  if (allowed <= 0) return { take: () => true, retryAfterMs: () => 0 };
  const refillMs = periodMs / allowed;
  let tokens = allowed;
  let updated = now();
  const refill = () => {
    const current = now();
    tokens = Math.min(allowed, tokens + (current - updated) / refillMs);
    updated = current;
  };
  return {
    take() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    retryAfterMs() {
      refill();
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * refillMs);
    },
  };
}
