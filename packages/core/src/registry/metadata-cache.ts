/**
 * Metadata of images, kept by digest (content never changes) and by (repository, tag). Memory holds a bounded
 * working set, least recently used first out; optionally the working set is saved to a JSON file, and every
 * entry is kept in a directory, so neither a working set larger than memory nor a restart pays for a known
 * digest again. A tag can be pushed again, so where a tag points is only trusted once this process saw it
 * (fetched, or confirmed with a HEAD); what an earlier process stored is a hint until then.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createDiskStore, type DiskStore } from "./disk-store.js";
import { createLruCache } from "./lru-cache.js";
import type { ImageMetadata, ManifestMetadata, Platform } from "./types.js";

/** Options of `createMetadataCache`. */
export interface MetadataCacheOptions {
  /** Entries per map (digests, tags) held in memory. @default 10_000 */
  readonly maxEntries?: number;
  /** JSON file the in-memory working set is loaded from and saved to. Absent: not saved. */
  readonly file?: string;
  /**
   * Directory that keeps every entry, also those memory has evicted, so a working set larger than
   * `maxEntries` still costs no request. Absent: what memory evicts is fetched again.
   */
  readonly directory?: string;
  readonly onWarning?: (message: string) => void;
}

/** The cache. Keys include the requested platforms, because index children are filtered by them. */
export interface MetadataCache {
  getByDigest(digest: string, platforms: readonly Platform[] | undefined): ManifestMetadata | undefined;
  getByTag(repo: string, tag: string, platforms: readonly Platform[] | undefined): ManifestMetadata | undefined;
  /** As {@link MetadataCache.getByDigest}, then the directory when one is set. */
  findByDigest?(digest: string, platforms: readonly Platform[] | undefined): Promise<ManifestMetadata | undefined>;
  /** As {@link MetadataCache.getByTag}, then the directory when one is set. */
  findByTag?(
    repo: string,
    tag: string,
    platforms: readonly Platform[] | undefined,
  ): Promise<ManifestMetadata | undefined>;
  /**
   * Where (repo, tag) pointed when last seen, memory first, then the directory. `confirmed` is false when an
   * earlier process stored it (file or directory) and this one has not seen the tag yet: it may have been
   * pushed again since, so the policies confirm it with a HEAD ({@link MetadataCache.noteDigest}) first.
   */
  findTag?(repo: string, tag: string): Promise<{ readonly digest: string; readonly confirmed: boolean } | undefined>;
  /** Stores `metadata`, reachable by its digest and, when `reference` is a tag, by (repo, tag). */
  set(repo: string, reference: string, platforms: readonly Platform[] | undefined, metadata: ManifestMetadata): void;
  /** Records what a tag points at now, as this process saw it; a tag that moved loses its cached metadata. */
  noteDigest(repo: string, tag: string, digest: string): void;
  /** Reads the file once; later calls return the same promise. A missing or broken file gives an empty cache. */
  load(): Promise<void>;
  /** Writes the file (temp file + rename) when something changed since the last save, and the directory's queue. */
  save(): Promise<void>;
  readonly size: number;
}

const VERSION = 1;

interface StoredImage extends Omit<ImageMetadata, "createdAt"> {
  readonly createdAt?: string;
}
interface StoredManifest extends StoredImage {
  readonly children?: readonly StoredImage[];
}
interface StoredFile {
  readonly version: number;
  readonly digests: readonly [string, StoredManifest][];
  readonly tags: readonly [string, string][];
}

/** A stable key for a platform set: sorted `os/arch[/variant]`, `*` for all. */
export function platformKey(platforms: readonly Platform[] | undefined): string {
  if (platforms === undefined || platforms.length === 0) return "*";
  return platforms
    .map((p) => [p.os, p.architecture, p.variant].filter((part) => part !== undefined).join("/"))
    .sort()
    .join(",");
}

function toStored(image: ImageMetadata): StoredImage {
  const { createdAt, ...rest } = image;
  return createdAt === undefined ? rest : { ...rest, createdAt: createdAt.toISOString() };
}

function fromStored(image: StoredImage): ImageMetadata {
  const { createdAt, ...rest } = image;
  return createdAt === undefined ? rest : { ...rest, createdAt: new Date(createdAt) };
}

function manifestToStored(value: ManifestMetadata): StoredManifest {
  const { children, ...image } = value;
  return { ...toStored(image), ...(children ? { children: children.map(toStored) } : {}) };
}

function manifestFromStored(value: StoredManifest): ManifestMetadata {
  const { children, ...image } = value;
  return { ...fromStored(image), ...(children ? { children: children.map(fromStored) } : {}) };
}

/** Tags cannot hold a colon; digests always do (`sha256:…`). */
function isDigest(reference: string): boolean {
  return reference.includes(":");
}

/** Where a tag points, and whether this process saw it point there. */
interface TagEntry {
  readonly digest: string;
  readonly confirmed: boolean;
}

/** Creates the cache; call {@link MetadataCache.load} before the first lookup when `file` is set. */
export function createMetadataCache(options: MetadataCacheOptions = {}): MetadataCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const digests = createLruCache<ManifestMetadata>(maxEntries);
  const tags = createLruCache<TagEntry>(maxEntries);
  // Written beside each tag in the directory: an entry memory evicted and read back stays confirmed.
  const session = randomUUID();
  let dirty = false;
  let loading: Promise<void> | undefined;
  let saving: Promise<void> = Promise.resolve();
  const disk: DiskStore | undefined = options.directory === undefined ? undefined : createDiskStore(options.directory);
  const DIGEST_PREFIX = "digest\n";
  const TAG_PREFIX = "tag\n";

  /** Memory first; then the directory, whose answer is kept in memory again. */
  async function findDigest(key: string): Promise<ManifestMetadata | undefined> {
    const known = digests.get(key);
    if (known !== undefined || disk === undefined) return known;
    const text = await disk.get(DIGEST_PREFIX + key);
    if (text === undefined) return undefined;
    try {
      const value = manifestFromStored(JSON.parse(text) as StoredManifest);
      digests.set(key, value);
      return value;
    } catch {
      return undefined;
    }
  }

  async function findTag(key: string): Promise<TagEntry | undefined> {
    const known = tags.get(key);
    if (known !== undefined || disk === undefined) return known;
    const text = await disk.get(TAG_PREFIX + key);
    if (text === undefined) return undefined;
    // `digest session`; older entries hold the digest alone.
    const [digest = "", writer] = text.split(" ");
    const entry = { digest, confirmed: writer === session };
    tags.set(key, entry);
    return entry;
  }

  function confirmTag(key: string, digest: string): void {
    tags.set(key, { digest, confirmed: true });
    disk?.put(TAG_PREFIX + key, `${digest} ${session}`);
  }

  async function readFromFile(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") {
        options.onWarning?.(`[policies] metadata cache ${file} cannot be read; starting empty`);
      }
      return;
    }
    try {
      const stored = JSON.parse(text) as StoredFile;
      if (stored.version !== VERSION || !Array.isArray(stored.digests) || !Array.isArray(stored.tags)) {
        throw new Error("unknown format");
      }
      for (const [key, value] of stored.digests) digests.set(key, manifestFromStored(value));
      for (const [key, digest] of stored.tags) tags.set(key, { digest, confirmed: false });
    } catch {
      options.onWarning?.(`[policies] metadata cache ${file} is not a cache file of this version; starting empty`);
    }
  }

  async function writeToFile(file: string): Promise<void> {
    const stored: StoredFile = {
      version: VERSION,
      digests: digests.entries().map(([key, value]) => [key, manifestToStored(value)]),
      tags: tags.entries().map(([key, entry]) => [key, entry.digest]),
    };
    await mkdir(dirname(file), { recursive: true });
    // Same directory, then rename: a crash leaves either the old file or the new one, never half of one.
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, JSON.stringify(stored), "utf8");
    await rename(temp, file);
  }

  return {
    getByDigest(digest, platforms) {
      return digests.get(`${digest}\n${platformKey(platforms)}`);
    },
    getByTag(repo, tag, platforms) {
      const entry = tags.get(`${repo}:${tag}`);
      return entry === undefined ? undefined : digests.get(`${entry.digest}\n${platformKey(platforms)}`);
    },
    async findByDigest(digest, platforms) {
      return findDigest(`${digest}\n${platformKey(platforms)}`);
    },
    async findByTag(repo, tag, platforms) {
      const entry = await findTag(`${repo}:${tag}`);
      return entry === undefined ? undefined : findDigest(`${entry.digest}\n${platformKey(platforms)}`);
    },
    findTag(repo, tag) {
      return findTag(`${repo}:${tag}`);
    },
    set(repo, reference, platforms, metadata) {
      const digestKey = `${metadata.digest}\n${platformKey(platforms)}`;
      digests.set(digestKey, metadata);
      disk?.put(DIGEST_PREFIX + digestKey, JSON.stringify(manifestToStored(metadata)));
      if (!isDigest(reference)) confirmTag(`${repo}:${reference}`, metadata.digest);
      dirty = true;
    },
    noteDigest(repo, tag, digest) {
      const key = `${repo}:${tag}`;
      const known = tags.get(key);
      if (known?.digest !== digest) dirty = true;
      // Also when memory evicted the tag while the directory still names an older image. A tag confirmed
      // before and still pointing there costs no write.
      if (known?.digest !== digest || !known.confirmed) confirmTag(key, digest);
    },
    load() {
      if (loading === undefined) loading = options.file === undefined ? Promise.resolve() : readFromFile(options.file);
      return loading;
    },
    save() {
      const file = options.file;
      if (file === undefined) return disk?.flush() ?? Promise.resolve();
      saving = saving
        .catch(() => {})
        .then(async () => {
          await disk?.flush();
          if (!dirty) return;
          dirty = false;
          try {
            await writeToFile(file);
          } catch (error) {
            dirty = true;
            throw error;
          }
        });
      return saving;
    },
    get size() {
      return digests.size;
    },
  };
}
