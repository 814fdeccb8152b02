import { ImageUpdaterError, RegistryError } from "../errors.js";

/** Options of `withRetry`. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 3 */
  readonly retries?: number;
  /** First backoff ceiling; doubles per attempt. @default 250 */
  readonly baseDelayMs?: number;
  /** Backoff ceiling. @default 10_000 */
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for; the error is thrown at once. @default 60_000 */
  readonly maxRetryAfterMs?: number;
}

/** What `withRetry` needs besides the options. */
export interface RetryContext {
  readonly signal?: AbortSignal;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  /** Called before each wait. */
  readonly onRetry?: (error: ImageUpdaterError, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or retries run out. Waits the registry's
 * `Retry-After` when it sent one, else a full-jitter exponential backoff.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
  context: RetryContext,
): Promise<T> {
  const retries = Math.max(0, options.retries ?? 3);
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ImageUpdaterError) || !error.retryable || n >= retries || context.signal?.aborted) {
        throw error;
      }
      const retryAfter = error instanceof RegistryError ? error.retryAfterMs : undefined;
      if (retryAfter !== undefined && retryAfter > maxRetryAfter) throw error;
      const backoff = context.random() * Math.min(max, base * 2 ** n);
      // Retry-After is a floor; a little jitter on top keeps many clients from returning in lockstep.
      const delay = retryAfter === undefined ? backoff : retryAfter + Math.min(backoff, retryAfter * 0.1);
      context.onRetry?.(error, delay);
      await context.sleep(delay, context.signal);
    }
  }
}
