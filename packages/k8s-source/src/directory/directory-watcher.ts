import { type FSWatcher, watch } from "node:fs";

/** Watches a set of directories (not recursively: each is watched on its own) and coalesces changes. */
export interface DirectoryWatcher {
  /** Resolves `true` after the next debounced change, or `false` once the signal aborted. */
  next(): Promise<boolean>;
  /** Watches exactly `directories` from now on (new ones added, vanished ones closed). */
  sync(directories: readonly string[]): void;
  close(): void;
}

/**
 * One `fs.watch` per directory rather than `recursive: true`, whose Linux implementation in Node 20 misses
 * directories created after the call. Bursts of events (an editor's save, an atomic rename, a ConfigMap
 * symlink swap) become one change after `debounceMs` of quiet.
 */
export function createDirectoryWatcher(debounceMs: number, signal?: AbortSignal): DirectoryWatcher {
  const watchers = new Map<string, FSWatcher>();
  let dirty = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: ((changed: boolean) => void) | undefined;

  function changed(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      dirty = true;
      wake?.(true);
      wake = undefined;
    }, debounceMs);
  }

  function close(): void {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
    wake?.(false);
    wake = undefined;
  }

  signal?.addEventListener("abort", close, { once: true });
  if (signal?.aborted) close();

  return {
    next() {
      if (closed) return Promise.resolve(false);
      if (dirty) {
        dirty = false;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        wake = (value) => {
          dirty = false;
          resolve(value);
        };
      });
    },
    sync(directories) {
      if (closed) return;
      const wanted = new Set(directories);
      for (const [dir, w] of watchers) {
        if (!wanted.has(dir)) {
          w.close();
          watchers.delete(dir);
        }
      }
      for (const dir of wanted) {
        if (watchers.has(dir)) continue;
        try {
          const w = watch(dir, { persistent: false }, changed);
          // A watched directory that disappears errors on some platforms; the parent's event covers it.
          w.on("error", () => {
            w.close();
            watchers.delete(dir);
            changed();
          });
          watchers.set(dir, w);
        } catch {
          changed();
        }
      }
    },
    close,
  };
}
