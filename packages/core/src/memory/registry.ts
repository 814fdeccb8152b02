/**
 * The memory registry: images described as plain objects, no network. It answers as a registry would (tags,
 * digests, indexes filtered by platform), counts the calls it gets, and fails on demand, so that SDK users and
 * tests can show what the engine does when a registry is down, slow or rate limited.
 */
import { type ErrorCode, RegistryError } from "../errors.js";
import { matchesPlatform } from "../image/platform.js";
import type { ImageRepository, ManifestMetadata, RegistryClient, RegistryRequestOptions } from "../registry/types.js";
import { type MemoryImage, type StoredImage, storeImage } from "./registry-image.js";

/**
 * A misbehaviour: `unavailable` (every call rejects `REGISTRY_UNAVAILABLE`, retryable), `rate-limited-once`
 * (the next call rejects `REGISTRY_RATE_LIMITED` with a 1 s `retryAfterMs`), `slow` (calls never answer: they
 * reject `TIMEOUT` after `timeoutMs`, or `ABORTED` when their signal aborts), `malformed` (`REGISTRY_PROTOCOL`).
 */
export type MemoryRegistryFault = "unavailable" | "rate-limited-once" | "slow" | "malformed";

/** Options of {@link createMemoryRegistry}. */
export interface MemoryRegistryOptions {
  readonly images?: readonly MemoryImage[];
  /** How long a `slow` call waits before it rejects `TIMEOUT`. @default 30000 */
  readonly timeoutMs?: number;
}

/** Calls received, per method. */
export interface MemoryRegistryCalls {
  listTags: number;
  getDigest: number;
  getMetadata: number;
}

/** The memory registry, plus ways to change what it holds and how it behaves. */
export interface MemoryRegistry extends RegistryClient {
  /** Adds an image (moving its tags to it); returns its digest. */
  push(image: MemoryImage): string;
  /** Removes a tag; returns whether it existed. */
  removeTag(repo: ImageRepository, tag: string): boolean;
  /** Makes calls for `repository` (every repository when absent) misbehave; `null` heals it. */
  fail(fault: MemoryRegistryFault | null, repository?: string): void;
  /** Calls received so far. */
  readonly calls: Readonly<MemoryRegistryCalls>;
}

const ID = "in-memory";

/** Creates a {@link MemoryRegistry} holding `options.images`. */
export function createMemoryRegistry(options: MemoryRegistryOptions = {}): MemoryRegistry {
  /** `registry\nrepository` (registry empty for any) → tag → image. */
  const repositories = new Map<string, Map<string, StoredImage>>();
  const calls: MemoryRegistryCalls = { listTags: 0, getDigest: 0, getMetadata: 0 };
  /** repository (`""` for all) → fault. */
  const faults = new Map<string, MemoryRegistryFault>();
  const timeoutMs = options.timeoutMs ?? 30_000;

  function tagsOf(repo: ImageRepository): Map<string, StoredImage> | undefined {
    return repositories.get(`${repo.registry}\n${repo.repository}`) ?? repositories.get(`\n${repo.repository}`);
  }

  function error(code: ErrorCode, repo: ImageRepository, text: string, extra: object = {}): RegistryError {
    return new RegistryError(code, `[${ID}] ${repo.repository}: ${text}`, { registry: repo.registry, ...extra });
  }

  /** Rejects as the registry's state says before a call is answered. */
  async function enter(repo: ImageRepository, requestOptions: RegistryRequestOptions | undefined): Promise<void> {
    const signal = requestOptions?.signal;
    const aborted = () => error("ABORTED", repo, "aborted", { cause: signal?.reason });
    if (signal?.aborted) throw aborted();
    const key = faults.has(repo.repository) ? repo.repository : "";
    const fault = faults.get(key);
    if (fault === undefined) return;
    if (fault === "unavailable") throw error("REGISTRY_UNAVAILABLE", repo, "unavailable", { retryable: true });
    if (fault === "malformed") throw error("REGISTRY_PROTOCOL", repo, "malformed answer");
    if (fault === "rate-limited-once") {
      faults.delete(key);
      throw error("REGISTRY_RATE_LIMITED", repo, "rate limited", { retryable: true, retryAfterMs: 1000 });
    }
    await new Promise<never>((_, reject) => {
      const timer = setTimeout(
        () => reject(error("TIMEOUT", repo, `no answer within ${timeoutMs} ms`, { retryable: true })),
        timeoutMs,
      );
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          reject(aborted());
        },
        { once: true },
      );
    });
  }

  function push(image: MemoryImage): string {
    const key = `${image.registry ?? ""}\n${image.repository}`;
    let tags = repositories.get(key);
    if (tags === undefined) {
      tags = new Map();
      repositories.set(key, tags);
    }
    const stored = storeImage(image);
    for (const tag of image.tags) tags.set(tag, stored);
    return stored.metadata.digest;
  }

  for (const image of options.images ?? []) push(image);

  function find(repo: ImageRepository, reference: string): StoredImage | undefined {
    const tags = tagsOf(repo);
    if (tags === undefined) return undefined;
    if (!reference.startsWith("sha256:")) return tags.get(reference);
    for (const stored of tags.values()) {
      if (stored.metadata.digest === reference) return stored;
      const child = stored.children.find((c) => c.digest === reference);
      if (child !== undefined) return { metadata: child, children: [] };
    }
    return undefined;
  }

  return {
    id: ID,
    capabilities: { createdAt: true, platforms: true, labels: true },
    calls,
    push,

    removeTag(repo, tag) {
      return tagsOf(repo)?.delete(tag) ?? false;
    },

    fail(fault, repository = "") {
      if (fault === null) faults.delete(repository);
      else faults.set(repository, fault);
    },

    async listTags(repo, requestOptions) {
      calls.listTags++;
      await enter(repo, requestOptions);
      const tags = tagsOf(repo);
      if (tags === undefined) throw error("REGISTRY_NOT_FOUND", repo, "repository not found");
      return [...tags.keys()];
    },

    async getDigest(repo, tag, requestOptions) {
      calls.getDigest++;
      await enter(repo, requestOptions);
      return tagsOf(repo)?.get(tag)?.metadata.digest ?? null;
    },

    async getMetadata(repo, reference, requestOptions): Promise<ManifestMetadata | null> {
      calls.getMetadata++;
      await enter(repo, requestOptions);
      const metadata = find(repo, reference)?.metadata;
      if (metadata?.children === undefined) return metadata ?? null;
      const wanted = requestOptions?.platforms ?? [];
      const children = metadata.children.filter((child) => matchesPlatform(wanted, child.platform));
      // An index records no config: report its newest matching child's, as registry clients do.
      const newest = children.reduce<(typeof children)[number] | undefined>(
        (best, child) =>
          best === undefined || (child.createdAt?.getTime() ?? -1) > (best.createdAt?.getTime() ?? -1) ? child : best,
        undefined,
      );
      return {
        ...metadata,
        ...(newest?.createdAt === undefined ? {} : { createdAt: newest.createdAt }),
        labels: newest?.labels ?? {},
        children,
      };
    },
  };
}
