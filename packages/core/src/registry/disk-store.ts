/**
 * A string-keyed store on disk, one small file per key (sharded by a hash of the key), so the metadata cache
 * can keep every entry while memory holds only a bounded working set. Writes are temp file + rename; reads
 * see writes still in flight.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";

/** The store. Values are opaque strings (the caller's JSON). */
export interface DiskStore {
  get(key: string): Promise<string | undefined>;
  /** Queues a write; a later {@link DiskStore.get} sees it at once. */
  put(key: string, value: string): void;
  /** Resolves once every queued write is on disk; rejects with the first failure since the last flush. */
  flush(): Promise<void>;
}

interface StoredEntry {
  readonly key: string;
  readonly value: string;
}

/** Opens (lazily creates) a store in `directory`. */
export function createDiskStore(directory: string): DiskStore {
  // Enough parallel file operations to hide latency, few enough to stay far from the open-file limit.
  const limit = pLimit(16);
  const pending = new Map<string, string>();
  const writes = new Set<Promise<void>>();
  const made = new Set<string>();
  const reads = new Map<string, Promise<string | undefined>>();
  const lastWrite = new Map<string, Promise<void>>();
  let failure: unknown;

  function pathOf(key: string): { dir: string; file: string } {
    const hash = createHash("sha256").update(key).digest("hex");
    const dir = join(directory, hash.slice(0, 2));
    return { dir, file: join(dir, `${hash.slice(2)}.json`) };
  }

  async function write(key: string, value: string): Promise<void> {
    const { dir, file } = pathOf(key);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temp, JSON.stringify({ key, value } satisfies StoredEntry), "utf8");
    await rename(temp, file);
  }

  async function readEntry(key: string): Promise<string | undefined> {
    let text: string;
    try {
      text = await limit(() => readFile(pathOf(key).file, "utf8"));
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as StoredEntry;
      // A hash collision or a foreign file: not ours, so a miss.
      return entry.key === key && typeof entry.value === "string" ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    get(key) {
      const queued = pending.get(key);
      if (queued !== undefined) return Promise.resolve(queued);
      // Many applications ask for the same entry at once: one read serves them all.
      let read = reads.get(key);
      if (read === undefined) {
        read = readEntry(key).finally(() => reads.delete(key));
        reads.set(key, read);
      }
      return read;
    },
    put(key, value) {
      pending.set(key, value);
      // Writes of one key land in the order they were asked for, so an older value never wins the rename.
      const previous = lastWrite.get(key) ?? Promise.resolve();
      const done: Promise<void> = previous
        .then(() => limit(() => write(key, value)))
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => {
          if (pending.get(key) === value) pending.delete(key);
          if (lastWrite.get(key) === done) lastWrite.delete(key);
          writes.delete(done);
        });
      writes.add(done);
      lastWrite.set(key, done);
    },
    async flush() {
      while (writes.size > 0) await Promise.all(writes);
      const error = failure;
      failure = undefined;
      if (error !== undefined) throw error;
    },
  };
}
