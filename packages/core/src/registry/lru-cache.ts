/** A bounded map that forgets the least recently used entry first. */
export interface LruCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
  /** Entries from least to most recently used. */
  entries(): [string, V][];
}

/** An LRU of at most `maxEntries` entries (at least one). */
export function createLruCache<V>(maxEntries: number): LruCache<V> {
  const limit = Math.max(1, Math.floor(maxEntries));
  // A Map iterates in insertion order; re-inserting on access keeps the oldest entry first.
  const map = new Map<string, V>();
  return {
    get(key) {
      const value = map.get(key);
      if (value !== undefined) {
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      while (map.size > limit) {
        const oldest = map.keys().next();
        if (oldest.done) break;
        map.delete(oldest.value);
      }
    },
    delete(key) {
      map.delete(key);
    },
    get size() {
      return map.size;
    },
    entries() {
      return [...map.entries()];
    },
  };
}
