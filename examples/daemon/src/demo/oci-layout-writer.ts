import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
const REF_NAME = "org.opencontainers.image.ref.name";

/** An image the demo's CI pushes. */
export interface LayoutImage {
  readonly tag: string;
  /** Config `created`, what newest-build sorts on. */
  readonly created: Date;
  /** @default { os: "linux", architecture: "amd64" } */
  readonly platform?: { readonly os: string; readonly architecture: string };
  readonly labels?: Readonly<Record<string, string>>;
}

/** Writes images into an OCI image layout directory, as `skopeo copy … oci:DIR:TAG` would. */
export interface OciLayoutWriter {
  /** The layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`). */
  readonly dir: string;
  /** Adds an image and points `tag` at it (moving the tag if it existed). Resolves the manifest digest. */
  push(image: LayoutImage): Promise<string>;
}

interface Blob {
  readonly digest: string;
  readonly bytes: Buffer;
}

function blob(bytes: Buffer): Blob {
  return { digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, bytes };
}

/** An empty tar archive: two 512-byte zero blocks. */
const EMPTY_TAR = Buffer.alloc(1024);

/** Creates (or opens) the layout at `dir`. One layout holds one repository; tags live in `index.json`. */
export async function createOciLayoutWriter(dir: string): Promise<OciLayoutWriter> {
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  await writeFile(join(dir, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);

  async function writeBlob(b: Blob): Promise<void> {
    await writeFile(join(dir, "blobs", "sha256", b.digest.slice("sha256:".length)), b.bytes);
  }

  async function readIndex(): Promise<{ manifests: Record<string, unknown>[] }> {
    try {
      const parsed = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as { manifests?: unknown };
      return { manifests: Array.isArray(parsed.manifests) ? (parsed.manifests as Record<string, unknown>[]) : [] };
    } catch {
      return { manifests: [] };
    }
  }

  return {
    dir,
    async push(image) {
      const platform = image.platform ?? { os: "linux", architecture: "amd64" };
      const layer = blob(gzipSync(EMPTY_TAR));
      const diffId = blob(EMPTY_TAR).digest;
      const config = blob(
        Buffer.from(
          JSON.stringify({
            created: image.created.toISOString(),
            architecture: platform.architecture,
            os: platform.os,
            config: { Labels: { "org.opencontainers.image.version": image.tag, ...image.labels } },
            rootfs: { type: "layers", diff_ids: [diffId] },
          }),
        ),
      );
      const manifest = blob(
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: OCI_MANIFEST,
            config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.bytes.length },
            layers: [{ mediaType: OCI_LAYER, digest: layer.digest, size: layer.bytes.length }],
          }),
        ),
      );
      for (const b of [layer, config, manifest]) await writeBlob(b);
      const index = await readIndex();
      const manifests = index.manifests.filter(
        (m) => (m.annotations as Record<string, string> | undefined)?.[REF_NAME] !== image.tag,
      );
      manifests.push({
        mediaType: OCI_MANIFEST,
        digest: manifest.digest,
        size: manifest.bytes.length,
        platform,
        annotations: { [REF_NAME]: image.tag },
      });
      await writeFile(
        join(dir, "index.json"),
        `${JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }, null, 2)}\n`,
      );
      return manifest.digest;
    },
  };
}
