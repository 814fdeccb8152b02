/**
 * The OCI image-layout client: reads directories in the OCI image layout format (`oci-layout`, `index.json`,
 * `blobs/sha256/…`), as written by skopeo (`oci:`), oras and buildkit. For air-gapped setups and demos.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ImageRepository,
  type ManifestMetadata,
  type MetadataOptions,
  type RegistryClient,
  RegistryError,
  type RequestOptions,
} from "@image-updater/core";
import { type Descriptor, isDigest, parseManifest, sha256Digest } from "./manifest/parse.js";
import { type ContentStore, type FetchedManifest, resolveMetadata } from "./manifest/resolve.js";

/** Options of {@link createOciLayoutClient}. */
export interface OciLayoutClientOptions {
  /**
   * Directory holding one layout per repository: `<root>/<registry>/<repository>` when it exists, else
   * `<root>/<repository>` (so `oci:<root>/org/app:1.0.0` from skopeo serves `org/app` of any registry).
   */
  readonly root: string;
}

const SOURCE = "oci-layout";
const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";
/** Repository names as the distribution spec allows them: nothing that could climb out of `root`. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY = /^[A-Za-z0-9.-]+(?::[0-9]+)?$/;

/** The tag a ref-name annotation names: `1.0.0`, or the tag part of `registry/repo:1.0.0`. */
export function tagOfRefName(value: string): string | undefined {
  const slash = value.lastIndexOf("/");
  const colon = value.lastIndexOf(":");
  if (slash === -1 && colon === -1) return value;
  if (colon > slash) return value.slice(colon + 1);
  return slash === -1 ? value : undefined;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown }).code;
}

/** Creates a client over the layouts under `options.root`. */
export function createOciLayoutClient(options: OciLayoutClientOptions): RegistryClient {
  function protocol(repo: ImageRepository, detail: string, cause?: unknown): RegistryError {
    return new RegistryError("REGISTRY_PROTOCOL", `[${SOURCE}] ${repo.repository}: ${detail}`, {
      registry: repo.registry,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  function checkAbort(repo: ImageRepository, signal?: AbortSignal): void {
    if (signal?.aborted) {
      throw new RegistryError("ABORTED", `[${SOURCE}] ${repo.repository}: aborted`, {
        registry: repo.registry,
        cause: signal.reason,
      });
    }
  }

  /** The layout directory and its top-level descriptors, or `null` when the repository has no layout. */
  async function openLayout(repo: ImageRepository): Promise<{ dir: string; manifests: Descriptor[] } | null> {
    if (!REPOSITORY.test(repo.repository)) return null;
    const candidates = REGISTRY.test(repo.registry)
      ? [join(options.root, repo.registry, repo.repository), join(options.root, repo.repository)]
      : [join(options.root, repo.repository)];
    for (const dir of candidates) {
      let text: string;
      try {
        text = await readFile(join(dir, "index.json"), "utf8");
      } catch (error) {
        if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") continue;
        throw protocol(repo, "index.json cannot be read", error);
      }
      const parsed = parseManifest(new TextEncoder().encode(text), "application/vnd.oci.image.index.v1+json", {
        source: SOURCE,
        what: `index.json of ${repo.repository}`,
        registry: repo.registry,
      });
      if (!("manifests" in parsed)) throw protocol(repo, "index.json is not an image index");
      return { dir, manifests: [...parsed.manifests] };
    }
    return null;
  }

  function tagOf(descriptor: Descriptor): string | undefined {
    const name = descriptor.annotations[REF_NAME] ?? descriptor.annotations[CONTAINERD_NAME];
    return name === undefined ? undefined : tagOfRefName(name);
  }

  async function readBlob(repo: ImageRepository, dir: string, digest: string): Promise<Uint8Array> {
    if (!isDigest(digest)) throw protocol(repo, `${digest} is not a sha256 digest`);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(dir, "blobs", "sha256", digest.slice("sha256:".length)));
    } catch (error) {
      throw protocol(repo, `blob ${digest} is missing`, error);
    }
    if (sha256Digest(bytes) !== digest) throw protocol(repo, `blob ${digest} does not match its digest`);
    return bytes;
  }

  function store(repo: ImageRepository, dir: string, manifests: readonly Descriptor[]): ContentStore {
    return {
      async getManifest(reference, signal): Promise<FetchedManifest | null> {
        checkAbort(repo, signal);
        const descriptor = isDigest(reference)
          ? manifests.find((d) => d.digest === reference)
          : manifests.find((d) => tagOf(d) === reference);
        if (descriptor === undefined && !isDigest(reference)) return null;
        const digest = descriptor?.digest ?? reference;
        let bytes: Uint8Array;
        try {
          bytes = await readBlob(repo, dir, digest);
        } catch (error) {
          // A digest nobody refers to is simply absent; a tagged one with no blob is a broken layout.
          if (descriptor === undefined) return null;
          throw error;
        }
        return { bytes, digest, ...(descriptor?.mediaType ? { contentType: descriptor.mediaType } : {}) };
      },
      async getBlob(digest, signal) {
        checkAbort(repo, signal);
        return readBlob(repo, dir, digest);
      },
    };
  }

  return {
    id: SOURCE,
    capabilities: { createdAt: true, platforms: true, labels: true },

    async listTags(repo: ImageRepository, requestOptions?: RequestOptions) {
      checkAbort(repo, requestOptions?.signal);
      const layout = await openLayout(repo);
      if (layout === null) {
        throw new RegistryError("REGISTRY_NOT_FOUND", `[${SOURCE}] ${repo.repository}: no image layout found`, {
          registry: repo.registry,
        });
      }
      const tags: string[] = [];
      for (const descriptor of layout.manifests) {
        const tag = tagOf(descriptor);
        if (tag !== undefined && !tags.includes(tag)) tags.push(tag);
      }
      return tags;
    },

    async getDigest(repo, tag, requestOptions) {
      checkAbort(repo, requestOptions?.signal);
      const layout = await openLayout(repo);
      return layout?.manifests.find((d) => tagOf(d) === tag)?.digest ?? null;
    },

    async getMetadata(repo, reference, requestOptions?: MetadataOptions): Promise<ManifestMetadata | null> {
      checkAbort(repo, requestOptions?.signal);
      const layout = await openLayout(repo);
      if (layout === null) return null;
      return resolveMetadata(store(repo, layout.dir, layout.manifests), reference, {
        source: SOURCE,
        registry: repo.registry,
        name: `${repo.repository}${isDigest(reference) ? "@" : ":"}${reference}`,
        ...(requestOptions?.platforms ? { platforms: requestOptions.platforms } : {}),
        ...(requestOptions?.signal ? { signal: requestOptions.signal } : {}),
      });
    },
  };
}
