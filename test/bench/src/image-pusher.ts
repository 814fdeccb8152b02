import {
  type BuiltContent,
  type BuiltImage,
  buildImage,
  type ImageSpec,
  type ImageSpecPlatform as Platform,
} from "@image-updater/conformance";
import { BenchError } from "./errors.js";
import { createRegistryHttpClient, type RegistryHttpClient, type RegistryTarget } from "./registry-http-client.js";

/** What a push stored. */
export interface PushedImage {
  /** Digest the tags point at (index or manifest), as the registry reported it. */
  readonly digest: string;
  readonly mediaType: string;
  readonly tags: readonly string[];
  /** Per-platform manifests of an index / manifest list, pushed by digest. */
  readonly children?: readonly { readonly digest: string; readonly platform: Platform }[];
  /** Config blob digests, one per platform. */
  readonly configDigests: readonly string[];
  /** The manifest bytes the tags point at. */
  readonly manifest: string;
}

/** Options of {@link pushImages}. */
export interface PushImagesOptions {
  /** Images pushed at the same time. @default 8 */
  readonly concurrency?: number;
}

interface PushSession {
  push(repository: string, image: BuiltImage): Promise<PushedImage>;
}

function createPushSession(client: RegistryHttpClient): PushSession {
  // One upload per blob per session, even when many images share it.
  const blobs = new Map<string, Promise<void>>();

  async function uploadBlob(repository: string, blob: BuiltContent): Promise<void> {
    const head = await client.request("HEAD", `/v2/${repository}/blobs/${blob.digest}`, { repository });
    if (head.ok) return;
    const post = await client.request("POST", `/v2/${repository}/blobs/uploads/`, { repository });
    const postBody = await post.text();
    const location = post.headers.get("location");
    if (post.status !== 202 || location === null) {
      throw new BenchError(`POST blob upload in ${repository} answered ${post.status}: ${postBody}`);
    }
    const target = new URL(location, client.baseUrl);
    target.searchParams.set("digest", blob.digest);
    const put = await client.request("PUT", target.href, {
      repository,
      body: blob.bytes,
      headers: { "content-type": "application/octet-stream" },
    });
    const putBody = await put.text();
    if (put.status !== 201) throw new BenchError(`PUT blob ${blob.digest} answered ${put.status}: ${putBody}`);
  }

  function ensureBlob(repository: string, blob: BuiltContent): Promise<void> {
    const key = `${repository}@${blob.digest}`;
    let pending = blobs.get(key);
    if (pending === undefined) {
      pending = uploadBlob(repository, blob);
      blobs.set(key, pending);
      pending.catch(() => blobs.delete(key));
    }
    return pending;
  }

  async function putManifest(repository: string, reference: string, manifest: BuiltContent): Promise<string> {
    const response = await client.request("PUT", `/v2/${repository}/manifests/${reference}`, {
      repository,
      body: manifest.bytes,
      headers: { "content-type": manifest.mediaType },
    });
    const text = await response.text();
    if (response.status !== 201) {
      throw new BenchError(`PUT manifest ${repository}:${reference} answered ${response.status}: ${text}`);
    }
    return response.headers.get("docker-content-digest") ?? manifest.digest;
  }

  async function push(repository: string, image: BuiltImage): Promise<PushedImage> {
    await Promise.all(image.blobs.map((blob) => ensureBlob(repository, blob)));
    if (image.index !== undefined) {
      // An index may only name manifests the registry already has.
      await Promise.all(image.manifests.map((manifest) => putManifest(repository, manifest.digest, manifest)));
    }
    const digests = await Promise.all(image.spec.tags.map((tag) => putManifest(repository, tag, image.top)));
    const digest = digests[0] ?? (await putManifest(repository, image.top.digest, image.top));
    return {
      digest,
      mediaType: image.top.mediaType,
      tags: image.spec.tags,
      ...(image.index === undefined
        ? {}
        : { children: image.manifests.map((manifest) => ({ digest: manifest.digest, platform: manifest.platform })) }),
      configDigests: image.manifests.map((manifest) => manifest.config.digest),
      manifest: image.top.bytes.toString(),
    };
  }

  return { push };
}

/**
 * Pushes one real image (blobs, platform manifests, index) to `repository` and tags it.
 * Answers Basic and Bearer challenges with the target's credentials.
 */
export async function pushImage(registry: RegistryTarget, repository: string, image: ImageSpec): Promise<PushedImage> {
  return createPushSession(createRegistryHttpClient(registry)).push(repository, buildImage(image));
}

/** Pushes many images concurrently, uploading each shared blob once; results keep the input order. */
export async function pushImages(
  registry: RegistryTarget,
  repository: string,
  images: readonly ImageSpec[],
  options: PushImagesOptions = {},
): Promise<PushedImage[]> {
  const session = createPushSession(createRegistryHttpClient(registry));
  const results: PushedImage[] = new Array(images.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < images.length) {
      const position = next++;
      const spec = images[position];
      if (spec !== undefined) results[position] = await session.push(repository, buildImage(spec));
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency ?? 8, images.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return results;
}
