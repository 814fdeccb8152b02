/** Reading manifests, indexes and image configs from bytes. Malformed input is a `REGISTRY_PROTOCOL` error. */
import { createHash } from "node:crypto";
import { type ManifestKind, type Platform, RegistryError } from "@image-updater/core";
import { isIndexKind, manifestKindOf } from "./media-types.js";

/** A content descriptor, as found in an index's `manifests` or a manifest's `config`. */
export interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly platform?: Platform;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A single-platform image manifest. */
export interface ParsedImageManifest {
  readonly kind: "oci-manifest" | "docker-manifest";
  readonly config: Descriptor;
}

/** An OCI index or Docker manifest list. */
export interface ParsedIndex {
  readonly kind: "oci-index" | "docker-manifest-list";
  readonly manifests: readonly Descriptor[];
}

export type ParsedManifest = ParsedImageManifest | ParsedIndex;

/** What an image config blob says about the image. */
export interface ImageConfig {
  readonly createdAt?: Date;
  readonly platform?: Platform;
  readonly labels: Readonly<Record<string, string>>;
}

/** Where bytes came from, for error messages. */
export interface ParseContext {
  /** Message prefix, e.g. `oci-distribution`. */
  readonly source: string;
  /** What was read, e.g. `manifest demo/app:1.0.0`. */
  readonly what: string;
  readonly registry?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `sha256:<hex>` of `bytes`. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** True for a `sha256:` digest reference (the only algorithm registries use). */
export function isDigest(reference: string): boolean {
  return DIGEST.test(reference);
}

function protocolError(context: ParseContext, detail: string): RegistryError {
  return new RegistryError("REGISTRY_PROTOCOL", `[${context.source}] ${context.what}: ${detail}`, {
    registry: context.registry,
  });
}

function parseJson(bytes: Uint8Array, context: ParseContext): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new RegistryError("REGISTRY_PROTOCOL", `[${context.source}] ${context.what}: body is not JSON`, {
      registry: context.registry,
      cause,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw protocolError(context, "body is not a JSON object");
  }
  return value as Record<string, unknown>;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  const record = asRecord(value);
  const out: Record<string, string> = {};
  if (record === undefined) return out;
  for (const [key, item] of Object.entries(record)) if (typeof item === "string") out[key] = item;
  return out;
}

function parsePlatform(value: unknown): Platform | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const os = record.os;
  const architecture = record.architecture;
  if (typeof os !== "string" || typeof architecture !== "string") return undefined;
  const variant = typeof record.variant === "string" && record.variant !== "" ? record.variant : undefined;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

function parseDescriptor(value: unknown, context: ParseContext, field: string): Descriptor {
  const record = asRecord(value);
  const digest = record?.digest;
  if (record === undefined || typeof digest !== "string" || !isDigest(digest)) {
    throw protocolError(context, `${field} is not a descriptor with a sha256 digest`);
  }
  const platform = parsePlatform(record.platform);
  return {
    ...(typeof record.mediaType === "string" ? { mediaType: record.mediaType } : {}),
    digest,
    ...(platform === undefined ? {} : { platform }),
    annotations: stringMap(record.annotations),
  };
}

/** The kind of a manifest body: its `mediaType` field, else the response's `Content-Type`, else its shape. */
function kindOf(body: Record<string, unknown>, contentType: string | undefined): ManifestKind | undefined {
  const declared = typeof body.mediaType === "string" ? body.mediaType : undefined;
  const kind = manifestKindOf(declared) ?? manifestKindOf(contentType);
  if (kind !== undefined) return kind;
  // OCI makes `mediaType` optional; an untyped body is recognised by its fields.
  if (declared === undefined && Array.isArray(body.manifests)) return "oci-index";
  if (declared === undefined && asRecord(body.config) !== undefined) return "oci-manifest";
  return undefined;
}

/** Parses a manifest or index. Schema 1 and unknown media types are `REGISTRY_PROTOCOL` errors. */
export function parseManifest(
  bytes: Uint8Array,
  contentType: string | undefined,
  context: ParseContext,
): ParsedManifest {
  const body = parseJson(bytes, context);
  if (body.schemaVersion === 1) throw protocolError(context, "Docker schema 1 manifests are not supported");
  const kind = kindOf(body, contentType);
  if (kind === undefined) {
    throw protocolError(context, `unsupported manifest media type ${JSON.stringify(body.mediaType ?? contentType)}`);
  }
  if (isIndexKind(kind)) {
    if (!Array.isArray(body.manifests)) throw protocolError(context, "index has no manifests array");
    const manifests = body.manifests.map((item, i) => parseDescriptor(item, context, `manifests[${i}]`));
    return { kind: kind as ParsedIndex["kind"], manifests };
  }
  return { kind: kind as ParsedImageManifest["kind"], config: parseDescriptor(body.config, context, "config") };
}

/** Parses an image config blob. A `created` that is not a date is left out rather than failing the image. */
export function parseImageConfig(bytes: Uint8Array, context: ParseContext): ImageConfig {
  const body = parseJson(bytes, context);
  const created = typeof body.created === "string" ? new Date(body.created) : undefined;
  const platform = parsePlatform(body);
  return {
    ...(created !== undefined && !Number.isNaN(created.getTime()) ? { createdAt: created } : {}),
    ...(platform === undefined ? {} : { platform }),
    labels: stringMap(asRecord(body.config)?.Labels),
  };
}
