import type { ErrorCode } from "../errors.js";

/** The calls the policies count. */
export type RegistryCallMethod = "listTags" | "getDigest" | "getMetadata";

/**
 * How a call ended. `ok` and `not-found` (a `null` answer) went to the registry; `cached` was answered from a
 * cache and `shared` joined an identical call in flight; `retry` counts each retry; an error code is a failure.
 */
export type RegistryCallOutcome = "ok" | "not-found" | "cached" | "shared" | "retry" | ErrorCode;

/** One counted call, as given to `onCall`. */
export interface RegistryCallEvent {
  /** Registry host as images name it. */
  readonly registry: string;
  readonly method: RegistryCallMethod;
  readonly outcome: RegistryCallOutcome;
}

/** A counter value: how many calls ended this way. */
export interface RegistryCallCount extends RegistryCallEvent {
  readonly count: number;
}

/** Counts calls per registry, method and outcome. */
export interface RequestCounter {
  add(event: RegistryCallEvent): void;
  /** Every non-zero counter, sorted by registry, method, outcome. */
  snapshot(): readonly RegistryCallCount[];
}

/** Creates an empty counter. */
export function createRequestCounter(): RequestCounter {
  const counts = new Map<string, RegistryCallCount>();
  return {
    add(event) {
      const key = `${event.registry}\n${event.method}\n${event.outcome}`;
      const current = counts.get(key);
      counts.set(key, { ...event, count: (current?.count ?? 0) + 1 });
    },
    snapshot() {
      return [...counts.values()].sort(
        (a, b) =>
          a.registry.localeCompare(b.registry) ||
          a.method.localeCompare(b.method) ||
          a.outcome.localeCompare(b.outcome),
      );
    },
  };
}
