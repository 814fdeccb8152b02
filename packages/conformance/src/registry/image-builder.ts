import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MEDIA_TYPES } from "./media-types.js";

/** A target platform, as in an OCI index entry. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** What to build and push under one or more tags. */
export interface ImageSpec {
  /** Tags that all point at the image (the index for a multi-platform image). */
  readonly tags: readonly string[];
  /** Manifest family. @default "oci" */
  readonly format?: "oci" | "docker";
  /** Platforms, as objects or "os/arch[/variant]" strings. @default ["linux/amd64"] */
  readonly platforms?: readonly (Platform | string)[];
  /** Force an OCI index / Docker manifest list even for one platform. @default false (true when platforms > 1) */
  readonly index?: boolean;
  /** Config `created` (RFC 3339). @default "2024-01-01T00:00:00Z" */
  readonly created?: string;
  /** Config `config.Labels`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Content of the single layer; images with the same seed share the layer blob. @default "image-updater bench layer" */
  readonly layerSeed?: string;
  /** Manifest annotations (OCI only; also makes otherwise equal manifests distinct). */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Bytes of a blob or manifest with its digest and media type. */
export interface BuiltContent {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** One platform manifest of a built image. */
export interface BuiltManifest extends BuiltContent {
  readonly platform: Platform;
  readonly config: BuiltContent;
  readonly layer: BuiltContent;
}

/** Everything needed to store an image: blobs, platform manifests, and the index when there is one. */
export interface BuiltImage {
  readonly spec: ImageSpec;
  readonly manifests: readonly BuiltManifest[];
  /** The index / manifest list, absent for a single-platform image without `index: true`. */
  readonly index?: BuiltContent;
  /** What the tags point at: the index, or the only manifest. */
  readonly top: BuiltContent;
  /** Config and layer blobs, de-duplicated by digest. */
  readonly blobs: readonly BuiltContent[];
}

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Parses "linux/arm64/v8" into a Platform; objects pass through. */
export function toPlatform(value: Platform | string): Platform {
  if (typeof value !== "string") return value;
  const [os = "", architecture = "", variant] = value.split("/");
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** A one-file ustar archive; mtime 0 and fixed owner so equal seeds give equal bytes. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  function field(value: string, offset: number, length: number): void {
    header.write(value, offset, length, "ascii");
  }
  field(name, 0, 100);
  field("0000644\0", 100, 8);
  field("0000000\0", 108, 8);
  field("0000000\0", 116, 8);
  field(`${content.length.toString(8).padStart(11, "0")}\0`, 124, 12);
  field("00000000000\0", 136, 12);
  field("        ", 148, 8);
  field("0", 156, 1);
  field("ustar\0", 257, 6);
  field("00", 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

function content(mediaType: string, bytes: Buffer): BuiltContent {
  return { digest: sha256Digest(bytes), mediaType, bytes };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function descriptor(item: BuiltContent): { mediaType: string; digest: string; size: number } {
  return { mediaType: item.mediaType, digest: item.digest, size: item.bytes.length };
}

/** Builds real image JSON and blobs for `spec`; pure, so equal specs give equal digests. */
export function buildImage(spec: ImageSpec): BuiltImage {
  const docker = spec.format === "docker";
  const tar = tarOneFile("app/seed.txt", Buffer.from(`${spec.layerSeed ?? "image-updater bench layer"}\n`));
  const layer = content(docker ? MEDIA_TYPES.dockerLayer : MEDIA_TYPES.ociLayer, gzipSync(tar, { level: 9 }));
  const diffId = sha256Digest(tar);
  const platforms = (spec.platforms ?? ["linux/amd64"]).map(toPlatform);
  const created = spec.created ?? "2024-01-01T00:00:00Z";

  const manifests = platforms.map((platform): BuiltManifest => {
    const config = content(
      docker ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig,
      json({
        created,
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant === undefined ? {} : { variant: platform.variant }),
        config: { Cmd: ["/bin/sh"], Labels: { ...spec.labels } },
        rootfs: { type: "layers", diff_ids: [diffId] },
        history: [{ created, created_by: "image-updater bench" }],
      }),
    );
    const mediaType = docker ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest;
    const body = json({
      schemaVersion: 2,
      mediaType,
      config: descriptor(config),
      layers: [descriptor(layer)],
      ...(spec.annotations === undefined || docker ? {} : { annotations: spec.annotations }),
    });
    return { ...content(mediaType, body), platform, config, layer };
  });

  const wantIndex = spec.index === true || manifests.length > 1;
  let index: BuiltContent | undefined;
  if (wantIndex) {
    const mediaType = docker ? MEDIA_TYPES.dockerManifestList : MEDIA_TYPES.ociIndex;
    index = content(
      mediaType,
      json({
        schemaVersion: 2,
        mediaType,
        manifests: manifests.map((manifest) => ({ ...descriptor(manifest), platform: manifest.platform })),
        ...(spec.annotations === undefined || docker ? {} : { annotations: spec.annotations }),
      }),
    );
  }

  const blobs = new Map<string, BuiltContent>();
  for (const manifest of manifests) {
    blobs.set(manifest.config.digest, manifest.config);
    blobs.set(manifest.layer.digest, manifest.layer);
  }
  const top = index ?? manifests[0];
  if (top === undefined) throw new Error("an image needs at least one platform");
  return { spec, manifests, ...(index === undefined ? {} : { index }), top, blobs: [...blobs.values()] };
}
