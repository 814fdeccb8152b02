/**
 * Content-addressed reads shared between calls: tags that share an image (or index children, or a config) cost
 * one read per distinct digest, not one per tag. Only digest references are kept; a tag can move.
 */
import { ImageUpdaterError } from "@image-updater/core";
import { isDigest } from "./parse.js";
import type { ContentStore, FetchedManifest } from "./resolve.js";

function isAbort(error: unknown): boolean {
  return error instanceof ImageUpdaterError && error.code === "ABORTED";
}

/** The memo of one client; {@link ContentMemo.wrap} gives a store that reads through it. */
export interface ContentMemo {
  /** `scope` names where the content lives (registry and repository), so repositories never share answers. */
  wrap(scope: string, store: ContentStore): ContentStore;
}

/** A memo of at most `maxEntries` manifests and as many blobs, oldest first out. */
export function createContentMemo(maxEntries = 4_096): ContentMemo {
  const manifests = new Map<string, Promise<FetchedManifest | null>>();
  const blobs = new Map<string, Promise<Uint8Array>>();

  function remembered<T>(
    cache: Map<string, Promise<T>>,
    key: string,
    signal: AbortSignal | undefined,
    read: () => Promise<T>,
  ): Promise<T> {
    const known = cache.get(key);
    // Another caller's abort is not this caller's: it reads for itself.
    if (known !== undefined)
      return known.catch((error: unknown) => (isAbort(error) && !signal?.aborted ? read() : Promise.reject(error)));
    const pending = read();
    cache.set(key, pending);
    // Insertion order is age: the oldest entry goes first once the memo is full.
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    // A failure is not content: the next caller asks again.
    pending.catch(() => cache.delete(key));
    return pending;
  }

  return {
    wrap(scope, store) {
      return {
        getManifest(reference, signal) {
          if (!isDigest(reference)) return store.getManifest(reference, signal);
          return remembered(manifests, `${scope}@${reference}`, signal, () => store.getManifest(reference, signal));
        },
        getBlob(digest, signal) {
          return remembered(blobs, `${scope}@${digest}`, signal, () => store.getBlob(digest, signal));
        },
      };
    },
  };
}
