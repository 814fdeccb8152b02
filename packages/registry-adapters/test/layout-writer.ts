/** Writes a seed as OCI image layouts (`<root>/<repository>/{oci-layout,index.json,blobs/sha256/…}`). */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BuiltContent, buildImage, sha256Digest } from "@image-updater/bench";
import type { RegistrySeed } from "@image-updater/conformance";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

async function writeBlob(dir: string, blob: { digest: string; bytes: Buffer }): Promise<void> {
  await writeFile(join(dir, "blobs", "sha256", blob.digest.slice("sha256:".length)), blob.bytes);
}

function descriptor(content: BuiltContent, annotations?: Record<string, string>) {
  return {
    mediaType: content.mediaType,
    digest: content.digest,
    size: content.bytes.length,
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * Writes one layout per repository. With `wrap`, each tag points at an extra index wrapping the image
 * (as some tools write multi-platform images), to exercise nested indexes.
 */
export async function writeLayouts(root: string, seed: RegistrySeed, options: { wrap?: boolean } = {}): Promise<void> {
  for (const [repository, images] of Object.entries(seed)) {
    const dir = join(root, repository);
    await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
    await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    const manifests: unknown[] = [];
    for (const spec of images) {
      const built = buildImage(spec);
      for (const blob of [...built.blobs, ...built.manifests, ...(built.index ? [built.index] : [])]) {
        await writeBlob(dir, blob);
      }
      let top: BuiltContent = built.top;
      if (options.wrap) {
        const bytes = Buffer.from(
          JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptor(top)] }),
        );
        top = { digest: sha256Digest(bytes), mediaType: OCI_INDEX, bytes };
        await writeBlob(dir, top);
      }
      for (const tag of spec.tags) {
        manifests.push(descriptor(top, { "org.opencontainers.image.ref.name": tag }));
      }
    }
    await writeFile(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  }
}
