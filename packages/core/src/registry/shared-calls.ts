import { ImageUpdaterError, isImageUpdaterError } from "../errors.js";

/**
 * Identical calls share one underlying operation. Each caller may abort its own wait; the operation itself is
 * aborted only when every caller has gone. With `keep`, a settled result stays until {@link SharedCalls.clear}
 * (the per-cycle cache); aborted operations are never kept.
 */
export interface SharedCalls {
  /** `joined` tells whether the caller got an existing operation (in flight or kept). */
  run<T>(
    key: string,
    signal: AbortSignal | undefined,
    keep: boolean,
    operation: (signal: AbortSignal) => Promise<T>,
  ): { readonly joined: boolean; readonly result: Promise<T> };
  /** Forgets kept results; operations in flight finish for their callers but are not kept. */
  clear(): void;
  /** Forgets the kept result (or the operation in flight) of one key: the next call runs afresh. */
  forget(key: string): void;
}

interface Entry {
  readonly promise: Promise<unknown>;
  readonly controller: AbortController;
  waiters: number;
  readonly createdAt: number;
}

function aborted(signal: AbortSignal): ImageUpdaterError {
  return new ImageUpdaterError("ABORTED", "aborted", { cause: signal.reason });
}

/** Creates an empty set of shared calls. Kept results older than `ttlMs` are recomputed. */
export function createSharedCalls(ttlMs = Number.POSITIVE_INFINITY, now: () => number = Date.now): SharedCalls {
  const entries = new Map<string, Entry>();
  return {
    run<T>(key: string, signal: AbortSignal | undefined, keep: boolean, operation: (s: AbortSignal) => Promise<T>) {
      if (signal?.aborted) return { joined: false, result: Promise.reject(aborted(signal)) };
      let entry = entries.get(key);
      if (entry !== undefined && now() - entry.createdAt > ttlMs) {
        entries.delete(key);
        entry = undefined;
      }
      const joined = entry !== undefined;
      if (entry === undefined) {
        const controller = new AbortController();
        const created: Entry = {
          promise: operation(controller.signal),
          controller,
          waiters: 0,
          createdAt: now(),
        };
        entry = created;
        entries.set(key, created);
        const forget = (): void => {
          if (entries.get(key) === created) entries.delete(key);
        };
        created.promise.then(
          () => {
            if (!keep) forget();
          },
          (error: unknown) => {
            if (!keep || isImageUpdaterError(error, "ABORTED") || controller.signal.aborted) forget();
          },
        );
      }
      const shared = entry;
      shared.waiters++;
      const result = new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
          shared.waiters--;
          if (shared.waiters === 0 && entries.get(key) === shared) {
            entries.delete(key);
            shared.controller.abort(signal?.reason);
          }
          reject(aborted(signal as AbortSignal));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        (shared.promise as Promise<T>).then(
          (value) => {
            signal?.removeEventListener("abort", onAbort);
            shared.waiters--;
            resolve(value);
          },
          (error: unknown) => {
            signal?.removeEventListener("abort", onAbort);
            shared.waiters--;
            reject(error);
          },
        );
      });
      return { joined, result };
    },
    clear() {
      entries.clear();
    },
    forget(key) {
      entries.delete(key);
    },
  };
}
