import { RegistryError } from "../errors.js";

/** Options of `createCircuitBreaker`. */
export interface CircuitBreakerOptions {
  /** Consecutive failures (after retries) that open the circuit. @default 5 */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls before one trial call is let through. @default 30_000 */
  readonly resetAfterMs?: number;
}

/** Stops calls to a registry that keeps failing, then lets one trial call through after a pause. */
export interface CircuitBreaker {
  readonly state: "closed" | "open" | "half-open";
  /** Throws `REGISTRY_CIRCUIT_OPEN` while open (and while a trial call is in flight). */
  enter(): void;
  success(): void;
  failure(): void;
  /** The call ended without telling anything about the registry (aborted): a trial slot is freed. */
  cancel(): void;
}

/** A breaker for one registry. */
export function createCircuitBreaker(
  registry: string,
  options: CircuitBreakerOptions = {},
  now: () => number = Date.now,
): CircuitBreaker {
  const threshold = Math.max(1, options.failureThreshold ?? 5);
  const resetAfterMs = options.resetAfterMs ?? 30_000;
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;
  const breaker: CircuitBreaker = {
    get state() {
      if (openedAt === undefined) return "closed";
      return now() - openedAt >= resetAfterMs ? "half-open" : "open";
    },
    enter() {
      const state = breaker.state;
      if (state === "closed") return;
      if (state === "half-open" && !trialInFlight) {
        trialInFlight = true;
        return;
      }
      const waitMs = Math.max(0, (openedAt ?? now()) + resetAfterMs - now());
      throw new RegistryError(
        "REGISTRY_CIRCUIT_OPEN",
        `[policies] ${registry} failed ${failures} times in a row; calls resume in ${Math.ceil(waitMs / 1000)} s`,
        { registry, retryAfterMs: waitMs },
      );
    },
    success() {
      failures = 0;
      openedAt = undefined;
      trialInFlight = false;
    },
    cancel() {
      trialInFlight = false;
    },
    failure() {
      failures++;
      trialInFlight = false;
      if (failures >= threshold || openedAt !== undefined) openedAt = now();
    },
  };
  return breaker;
}
