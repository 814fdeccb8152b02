/**
 * The memory application source: applications held in memory, listed and watched. Tests change them
 * (`upsert`, `remove`) and every open watch sees the change, in order; `fail` makes `list` reject as a
 * source that cannot be read does.
 */
import { SourceError } from "../errors.js";
import type { RequestOptions } from "../registry/types.js";
import type { Application, ApplicationEvent, ApplicationRef, ApplicationSource } from "../source/types.js";

/** Options of {@link createMemorySource}. */
export interface MemorySourceOptions {
  readonly applications?: readonly Application[];
  /** @default "memory" */
  readonly id?: string;
}

/** The memory source, plus ways to change what it holds. */
export interface MemorySource extends ApplicationSource {
  watch(options?: RequestOptions): AsyncIterable<ApplicationEvent>;
  /** Adds or replaces an application (by namespace and name) and tells every watch. */
  upsert(application: Application): void;
  /** Removes an application; tells every watch when it existed. Returns whether it existed. */
  remove(ref: ApplicationRef): boolean;
  /** Makes `list` reject `SOURCE_UNAVAILABLE` with `message` from now on; `null` heals it. */
  fail(message: string | null): void;
  /** Open watches, for tests that check a watch ends on abort. */
  readonly watchers: number;
}

const keyOf = (ref: ApplicationRef) => `${ref.namespace}/${ref.name}`;

/** Creates a {@link MemorySource} holding `options.applications`. */
export function createMemorySource(options: MemorySourceOptions = {}): MemorySource {
  const id = options.id ?? "memory";
  const applications = new Map<string, Application>();
  for (const application of options.applications ?? []) applications.set(keyOf(application), application);
  const listeners = new Set<(event: ApplicationEvent) => void>();
  let failure: string | null = null;

  function aborted(): SourceError {
    return new SourceError("ABORTED", `[${id}] aborted`);
  }

  function emit(event: ApplicationEvent): void {
    for (const listener of listeners) listener(event);
  }

  async function* watch(requestOptions: RequestOptions = {}): AsyncGenerator<ApplicationEvent> {
    const { signal } = requestOptions;
    if (signal?.aborted) return;
    const queue: ApplicationEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: ApplicationEvent) => {
      queue.push(event);
      wake?.();
    };
    const onAbort = () => wake?.();
    listeners.add(listener);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (!signal?.aborted) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      listeners.delete(listener);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  // `watch` registers its listener only when first iterated; start it at the call so no event is missed.
  function startWatch(requestOptions?: RequestOptions): AsyncIterable<ApplicationEvent> {
    const generator = watch(requestOptions);
    const first = generator.next();
    let started = false;
    return {
      [Symbol.asyncIterator]() {
        return {
          next: () => {
            if (!started) {
              started = true;
              return first;
            }
            return generator.next();
          },
          return: async (value?: unknown) => {
            await generator.return(value as undefined);
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  return {
    id,
    get watchers() {
      return listeners.size;
    },
    async list(requestOptions) {
      if (requestOptions?.signal?.aborted) throw aborted();
      if (failure !== null) throw new SourceError("SOURCE_UNAVAILABLE", `[${id}] ${failure}`, { retryable: true });
      return [...applications.values()];
    },
    watch: startWatch,
    upsert(application) {
      applications.set(keyOf(application), application);
      emit({ type: "upsert", application });
    },
    remove(ref) {
      const existed = applications.delete(keyOf(ref));
      if (existed) emit({ type: "delete", ref: { namespace: ref.namespace, name: ref.name } });
      return existed;
    },
    fail(message) {
      failure = message;
    },
  };
}
