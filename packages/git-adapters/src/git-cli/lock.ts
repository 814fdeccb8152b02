import { open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { ImageUpdaterError } from "@image-updater/core";

/** Serialises work per key inside this process; callers queue in arrival order. */
export interface KeyedMutex {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/** A mutex per key, released on success or failure. */
export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const current = previous.then(task, task);
      const tail = current.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await current;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

/** Options of {@link withLockFile}. */
export interface LockFileOptions {
  readonly signal?: AbortSignal;
  /** Give up after this long. */
  readonly timeoutMs: number;
}

/**
 * Holds `path` (created exclusively, containing `pid@host`) while `task` runs, against other processes that
 * share the cache directory. A lock left by a dead process on this host is taken over.
 */
export async function withLockFile<T>(path: string, options: LockFileOptions, task: () => Promise<T>): Promise<T> {
  const owner = `${process.pid}@${hostname()}`;
  const deadline = Date.now() + options.timeoutMs;
  let delay = 20;
  for (;;) {
    if (options.signal?.aborted) throw new ImageUpdaterError("ABORTED", "[git-cli] aborted while waiting for a lock");
    try {
      const handle = await open(path, "wx", 0o600);
      try {
        await handle.writeFile(`${owner}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await isStale(path)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new ImageUpdaterError("GIT_UNAVAILABLE", "[git-cli] the repository cache is locked by another process", {
        retryable: true,
      });
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
  try {
    return await task();
  } finally {
    await rm(path, { force: true });
  }
}

// A lock file without an owner is being written right now, unless it has been like that for this long.
const UNOWNED_LOCK_STALE_MS = 30_000;

async function isStale(path: string): Promise<boolean> {
  let text: string;
  let modifiedAt: number;
  try {
    [text, modifiedAt] = await Promise.all([readFile(path, "utf8"), stat(path).then((s) => s.mtimeMs)]);
  } catch {
    return false;
  }
  const match = /^(?<pid>\d+)@(?<host>.*)$/.exec(text.trim());
  if (!match?.groups) return Date.now() - modifiedAt > UNOWNED_LOCK_STALE_MS;
  if (match.groups.host !== hostname()) return false;
  const pid = Number(match.groups.pid);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
