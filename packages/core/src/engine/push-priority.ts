import type { GitWriter } from "../git/types.js";

/**
 * Repositories whose push gave up (the branch kept moving) go first in the next cycle, before other work
 * can race them again. Kept per git writer, which lives as long as the updater that owns it.
 */
export interface PushPriority {
  /** `items` with the ones whose push gave up last time first, otherwise in their order. */
  order<T>(items: readonly T[], key: (item: T) => string): T[];
  /** Records how the push of `key` (repository, branch, base) ended. */
  record(key: string, gaveUp: boolean): void;
}

const byWriter = new WeakMap<GitWriter, PushPriority>();

/** The priority list of `writer`, created on first use. */
export function pushPriorityOf(writer: GitWriter): PushPriority {
  let priority = byWriter.get(writer);
  if (priority === undefined) {
    priority = createPushPriority();
    byWriter.set(writer, priority);
  }
  return priority;
}

/** A fresh priority list. */
export function createPushPriority(): PushPriority {
  const gaveUp = new Set<string>();
  return {
    order(items, key) {
      const first = items.filter((item) => gaveUp.has(key(item)));
      return first.length === 0 ? [...items] : [...first, ...items.filter((item) => !gaveUp.has(key(item)))];
    },
    record(key, failed) {
      if (failed) gaveUp.add(key);
      else gaveUp.delete(key);
    },
  };
}
