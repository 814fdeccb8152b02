/**
 * The in-memory client, for users' own tests: images described as plain objects, no network. It answers
 * exactly as a registry would (tags, digests, indexes filtered by platform) and counts the calls it gets.
 */
import { createHash } from "node:crypto";
import {
  type ImageMetadata,
  type ImageRepository,
  type ManifestMetadata,
  matchesPlatform,
  type Platform,
  type RegistryClient,
  RegistryError,
  type RequestOptions,
} from "@image-updater/core";

/** One platform of a multi-platform image. */
export interface InMemoryPlatformImage extends Platform {
  /** @default the image's `createdAt` */
  readonly createdAt?: Date | string;
  /** @default the image's `labels` */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An image as a test describes it. */
export interface InMemoryImage {
  /** Registry host. Absent: the image is served whatever registry is asked. */
  readonly registry?: string;
  readonly repository: string;
  /** Tags pointing at this image; a tag already on another image moves here. */
  readonly tags: readonly string[];
  readonly createdAt?: Date | string;
  readonly labels?: Readonly<Record<string, string>>;
  /** One platform: a single manifest. Two or more: an index (or Docker manifest list). */
  readonly platforms?: readonly InMemoryPlatformImage[];
  /** @default "oci" */
  readonly format?: "oci" | "docker";
  /** Distinguishes otherwise identical images (a rebuild with the same date). */
  readonly revision?: string;
}

/** Options of {@link createInMemoryRegistryClient}. */
export interface InMemoryRegistryClientOptions {
  readonly images?: readonly InMemoryImage[];
}

/** Calls received, per method. */
export interface InMemoryCallCounts {
  listTags: number;
  getDigest: number;
  getMetadata: number;
}

/** The in-memory client, plus ways to change what it holds. */
export interface InMemoryRegistryClient extends RegistryClient {
  /** Adds an image (moving its tags to it); returns its digest. */
  push(image: InMemoryImage): string;
  /** Removes a tag; returns whether it existed. */
  removeTag(repo: ImageRepository, tag: string): boolean;
  /** Calls received so far. */
  readonly calls: Readonly<InMemoryCallCounts>;
}

interface StoredImage {
  readonly metadata: ManifestMetadata;
  /** Children by digest, also reachable by digest alone. */
  readonly children: readonly ImageMetadata[];
}

const SOURCE = "in-memory";

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function digestOf(value: unknown): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(value)).digest("hex")}`;
}

function build(image: InMemoryImage): StoredImage {
  const docker = image.format === "docker";
  const platforms = image.platforms ?? [];
  const describeOne = (p: InMemoryPlatformImage | undefined): ImageMetadata => {
    const createdAt = toDate(p?.createdAt ?? image.createdAt);
    const labels = { ...(p?.labels ?? image.labels ?? {}) };
    const platform =
      p === undefined
        ? undefined
        : { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
    const kind = docker ? "docker-manifest" : "oci-manifest";
    return {
      digest: digestOf({ repository: image.repository, kind, createdAt, labels, platform, revision: image.revision }),
      kind,
      ...(createdAt === undefined ? {} : { createdAt }),
      ...(platform === undefined ? {} : { platform }),
      labels,
    };
  };
  if (platforms.length <= 1) return { metadata: describeOne(platforms[0]), children: [] };
  const children = platforms.map(describeOne);
  const kind = docker ? "docker-manifest-list" : "oci-index";
  return {
    metadata: { digest: digestOf({ kind, children: children.map((c) => c.digest) }), kind, labels: {}, children },
    children,
  };
}

/** Creates a client holding `options.images`. */
export function createInMemoryRegistryClient(options: InMemoryRegistryClientOptions = {}): InMemoryRegistryClient {
  /** `registry\nrepository` (registry empty for any) → tag → image. */
  const repositories = new Map<string, Map<string, StoredImage>>();
  const calls: InMemoryCallCounts = { listTags: 0, getDigest: 0, getMetadata: 0 };

  function tagsOf(repo: ImageRepository): Map<string, StoredImage> | undefined {
    return repositories.get(`${repo.registry}\n${repo.repository}`) ?? repositories.get(`\n${repo.repository}`);
  }

  function checkAbort(repo: ImageRepository, requestOptions?: RequestOptions): void {
    if (requestOptions?.signal?.aborted) {
      throw new RegistryError("ABORTED", `[${SOURCE}] ${repo.repository}: aborted`, {
        registry: repo.registry,
        cause: requestOptions.signal.reason,
      });
    }
  }

  function push(image: InMemoryImage): string {
    const key = `${image.registry ?? ""}\n${image.repository}`;
    let tags = repositories.get(key);
    if (tags === undefined) {
      tags = new Map();
      repositories.set(key, tags);
    }
    const stored = build(image);
    for (const tag of image.tags) tags.set(tag, stored);
    return stored.metadata.digest;
  }

  for (const image of options.images ?? []) push(image);

  function find(repo: ImageRepository, reference: string): StoredImage | ImageMetadata | undefined {
    const tags = tagsOf(repo);
    if (tags === undefined) return undefined;
    if (!reference.startsWith("sha256:")) return tags.get(reference);
    for (const stored of tags.values()) {
      if (stored.metadata.digest === reference) return stored;
      const child = stored.children.find((c) => c.digest === reference);
      if (child !== undefined) return child;
    }
    return undefined;
  }

  return {
    id: SOURCE,
    capabilities: { createdAt: true, platforms: true, labels: true },
    calls,
    push,

    removeTag(repo, tag) {
      return tagsOf(repo)?.delete(tag) ?? false;
    },

    async listTags(repo, requestOptions) {
      calls.listTags++;
      checkAbort(repo, requestOptions);
      const tags = tagsOf(repo);
      if (tags === undefined) {
        throw new RegistryError("REGISTRY_NOT_FOUND", `[${SOURCE}] ${repo.repository}: repository not found`, {
          registry: repo.registry,
        });
      }
      return [...tags.keys()];
    },

    async getDigest(repo, tag, requestOptions) {
      calls.getDigest++;
      checkAbort(repo, requestOptions);
      return tagsOf(repo)?.get(tag)?.metadata.digest ?? null;
    },

    async getMetadata(repo, reference, requestOptions) {
      calls.getMetadata++;
      checkAbort(repo, requestOptions);
      const found = find(repo, reference);
      if (found === undefined) return null;
      if (!("metadata" in found)) return found;
      const { metadata } = found;
      if (metadata.children === undefined) return metadata;
      const children = metadata.children.filter((c) => matchesPlatform(requestOptions?.platforms ?? [], c.platform));
      let newest: ImageMetadata | undefined;
      for (const child of children) {
        if (newest === undefined || (child.createdAt?.getTime() ?? -1) > (newest.createdAt?.getTime() ?? -1)) {
          newest = child;
        }
      }
      return {
        ...metadata,
        ...(newest?.createdAt === undefined ? {} : { createdAt: newest.createdAt }),
        labels: newest?.labels ?? {},
        children,
      };
    },
  };
}
