import { open, readFile, rm, stat, utimes } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { ImageUpdaterError } from "@image-updater/core";
import { isProcessGone, ownIdentity, type ProcessIdentity } from "./process-identity.js";

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
  /** What the lock guards, for the message when waiting gives up. */
  readonly what?: string;
}

// The holder touches its lock this often; a lock nobody touched for LOCK_STALE_MS is abandoned, whoever wrote
// it (a holder on another host sharing the cache volume cannot be checked by PID).
const HEARTBEAT_MS = 10_000;
const LOCK_STALE_MS = 60_000;
// A lock file without an owner is being written right now, unless it has been like that for this long.
const UNOWNED_LOCK_STALE_MS = 30_000;

/**
 * Holds `path` (created exclusively, naming this process by PID, start time and boot id) while `task` runs,
 * against other processes that share the cache directory. A lock whose holder is gone (dead, or its PID
 * reused after a container restart) or that nobody refreshed for a minute is taken over.
 */
export async function withLockFile<T>(path: string, options: LockFileOptions, task: () => Promise<T>): Promise<T> {
  const owner = `${JSON.stringify(ownIdentity())}\n`;
  const deadline = Date.now() + options.timeoutMs;
  let delay = 20;
  let holder: LockHolder | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new ImageUpdaterError("ABORTED", "[git-cli] aborted while waiting for a lock");
    try {
      const handle = await open(path, "wx", 0o600);
      try {
        await handle.writeFile(owner);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    holder = await readHolder(path);
    if (holder !== undefined && isAbandoned(holder)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw lockTimeout(path, options, holder);
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await task();
  } finally {
    clearInterval(heartbeat);
    await rm(path, { force: true });
  }
}

interface LockHolder {
  readonly identity?: ProcessIdentity;
  readonly modifiedAt: number;
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const [text, modifiedAt] = await Promise.all([readFile(path, "utf8"), stat(path).then((s) => s.mtimeMs)]);
    const identity = parseIdentity(text.trim());
    return identity === undefined ? { modifiedAt } : { identity, modifiedAt };
  } catch {
    // Gone between our open and our read: the next open will tell.
    return undefined;
  }
}

function parseIdentity(text: string): ProcessIdentity | undefined {
  if (text === "") return undefined;
  try {
    const value = JSON.parse(text) as Partial<ProcessIdentity>;
    if (typeof value.pid !== "number" || typeof value.host !== "string") return undefined;
    return {
      pid: value.pid,
      host: value.host,
      ...(typeof value.bootId === "string" ? { bootId: value.bootId } : {}),
      ...(typeof value.startTime === "string" ? { startTime: value.startTime } : {}),
    };
  } catch {
    // The format before start times were recorded: `pid@host`.
    const match = /^(?<pid>\d+)@(?<host>.*)$/.exec(text);
    return match?.groups ? { pid: Number(match.groups.pid), host: match.groups.host ?? "" } : undefined;
  }
}

function isAbandoned(holder: LockHolder): boolean {
  const age = Date.now() - holder.modifiedAt;
  if (holder.identity === undefined) return age > UNOWNED_LOCK_STALE_MS;
  const gone = isProcessGone(holder.identity);
  return gone === true || (gone === undefined && age > LOCK_STALE_MS);
}

function lockTimeout(path: string, options: LockFileOptions, holder: LockHolder | undefined): ImageUpdaterError {
  const who = holder?.identity ? `process ${holder.identity.pid} on ${holder.identity.host}` : "another process";
  const what = options.what ?? "the repository cache";
  return new ImageUpdaterError(
    "GIT_UNAVAILABLE",
    `[git-cli] ${what} is still in use by ${who} after ${options.timeoutMs} ms (lock file ${path}); it is taken over by itself once that process exits or stops refreshing it for ${LOCK_STALE_MS / 1000} s`,
    { retryable: true },
  );
}
