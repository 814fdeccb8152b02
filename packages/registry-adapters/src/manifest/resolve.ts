/**
 * Turns a tag or digest into {@link ManifestMetadata} by reading manifests and config blobs from a
 * {@link ContentStore}. Shared by the registry and image-layout clients so both read images the same way.
 */
import type { ImageMetadata, ManifestMetadata, Platform } from "@image-updater/core";
import { matchesPlatform, RegistryError } from "@image-updater/core";
import { type Descriptor, type ParseContext, parseImageConfig, parseManifest } from "./parse.js";

/** A manifest as stored: its bytes, the media type the store reported, and its digest. */
export interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  readonly digest: string;
}

/** Where manifests and blobs are read from. */
export interface ContentStore {
  /** Manifest by tag or digest; `null` when there is none. */
  getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest | null>;
  /** Blob by digest; rejects when it is missing. */
  getBlob(digest: string, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Options of {@link resolveMetadata}. */
export interface ResolveOptions {
  readonly platforms?: readonly Platform[];
  readonly signal?: AbortSignal;
  /** Message prefix, e.g. `oci-distribution`. */
  readonly source: string;
  readonly registry?: string;
  /** `repository:reference`, for messages. */
  readonly name: string;
}

/** Annotation buildkit puts on attestation manifests; they are not runnable images. */
const REFERENCE_TYPE = "vnd.docker.reference.type";

function context(options: ResolveOptions, what: string): ParseContext {
  return { source: options.source, what, ...(options.registry === undefined ? {} : { registry: options.registry }) };
}

async function imageMetadata(
  store: ContentStore,
  manifest: FetchedManifest,
  kind: ImageMetadata["kind"],
  configDigest: string,
  platformHint: Platform | undefined,
  options: ResolveOptions,
): Promise<ImageMetadata> {
  const bytes = await store.getBlob(configDigest, options.signal);
  const config = parseImageConfig(bytes, context(options, `config ${configDigest} of ${options.name}`));
  const platform = platformHint ?? config.platform;
  return {
    digest: manifest.digest,
    kind,
    ...(config.createdAt === undefined ? {} : { createdAt: config.createdAt }),
    ...(platform === undefined ? {} : { platform }),
    labels: config.labels,
  };
}

async function childMetadata(
  store: ContentStore,
  descriptor: Descriptor,
  options: ResolveOptions,
  depth: number,
): Promise<ImageMetadata[]> {
  const manifest = await store.getManifest(descriptor.digest, options.signal);
  if (manifest === null) {
    throw new RegistryError(
      "REGISTRY_PROTOCOL",
      `[${options.source}] ${options.name}: index refers to ${descriptor.digest}, which does not exist`,
      { registry: options.registry },
    );
  }
  const parsed = parseManifest(
    manifest.bytes,
    manifest.contentType ?? descriptor.mediaType,
    context(options, `manifest ${descriptor.digest} of ${options.name}`),
  );
  if ("manifests" in parsed) {
    // Nested indexes (image layouts often wrap the pushed index in another) are flattened.
    if (depth >= 4) return [];
    return (await indexChildren(store, parsed.manifests, options, depth + 1)).flat();
  }
  return [await imageMetadata(store, manifest, parsed.kind, parsed.config.digest, descriptor.platform, options)];
}

function indexChildren(
  store: ContentStore,
  descriptors: readonly Descriptor[],
  options: ResolveOptions,
  depth: number,
): Promise<ImageMetadata[][]> {
  // Filtered before anything is fetched: a 10-platform index costs only the platforms asked for.
  const wanted = descriptors.filter(
    (d) =>
      d.annotations[REFERENCE_TYPE] === undefined &&
      (isNestedIndex(d) || matchesPlatform(options.platforms ?? [], d.platform)),
  );
  return Promise.all(wanted.map((d) => childMetadata(store, d, options, depth)));
}

function isNestedIndex(descriptor: Descriptor): boolean {
  return (
    descriptor.platform === undefined && descriptor.mediaType !== undefined && /index|list/.test(descriptor.mediaType)
  );
}

/** Metadata of `reference` (tag or digest), or `null` when the store has no such manifest. */
export async function resolveMetadata(
  store: ContentStore,
  reference: string,
  options: ResolveOptions,
): Promise<ManifestMetadata | null> {
  const manifest = await store.getManifest(reference, options.signal);
  if (manifest === null) return null;
  const parsed = parseManifest(manifest.bytes, manifest.contentType, context(options, `manifest ${options.name}`));
  if (!("manifests" in parsed)) {
    return imageMetadata(store, manifest, parsed.kind, parsed.config.digest, undefined, options);
  }
  const children = (await indexChildren(store, parsed.manifests, options, 1)).flat();
  let newest: ImageMetadata | undefined;
  for (const child of children) {
    if (newest === undefined || (child.createdAt?.getTime() ?? -1) > (newest.createdAt?.getTime() ?? -1))
      newest = child;
  }
  // An index is as new as its newest matching child (argocd-image-updater's rule), and carries its labels.
  return {
    digest: manifest.digest,
    kind: parsed.kind,
    ...(newest?.createdAt === undefined ? {} : { createdAt: newest.createdAt }),
    labels: newest?.labels ?? {},
    children,
  };
}
