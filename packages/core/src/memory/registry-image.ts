/** How the memory registry turns an image a test describes into the metadata a registry would report. */
import { createHash } from "node:crypto";
import type { ImageMetadata, ManifestMetadata, Platform } from "../registry/types.js";

/** One platform of a multi-platform image. */
export interface MemoryPlatformImage extends Platform {
  /** @default the image's `createdAt` */
  readonly createdAt?: Date | string;
  /** @default the image's `labels` */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An image as a test describes it. */
export interface MemoryImage {
  /** Registry host. Absent: the image is served whatever registry is asked. */
  readonly registry?: string;
  readonly repository: string;
  /** Tags pointing at this image; a tag already on another image moves here. */
  readonly tags: readonly string[];
  readonly createdAt?: Date | string;
  readonly labels?: Readonly<Record<string, string>>;
  /** One platform: a single manifest. Two or more: an index (or Docker manifest list). */
  readonly platforms?: readonly MemoryPlatformImage[];
  /** @default "oci" */
  readonly format?: "oci" | "docker";
  /** Distinguishes otherwise identical images (a rebuild with the same date). */
  readonly revision?: string;
}

/** An image as stored: its top manifest, and its children, also reachable by digest alone. */
export interface StoredImage {
  readonly metadata: ManifestMetadata;
  readonly children: readonly ImageMetadata[];
}

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

// Digests are made up from the description, so equal descriptions share a digest as equal manifests would.
function digestOf(value: unknown): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(value)).digest("hex")}`;
}

/** The stored form of `image`. */
export function storeImage(image: MemoryImage): StoredImage {
  const docker = image.format === "docker";
  const platforms = image.platforms ?? [];
  const describeOne = (p: MemoryPlatformImage | undefined): ImageMetadata => {
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
