/** Media types of the manifests we read, and the `Accept` header that asks for all of them. */
import type { ManifestKind } from "@image-updater/core";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

/**
 * Every manifest type, in one header. docker-registry 2.8 answers 404 for an index (and converts manifest lists
 * to one platform) unless its type is accepted, so a narrower list silently gives wrong answers.
 */
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(", ");

const KINDS: Readonly<Record<string, ManifestKind>> = {
  [OCI_INDEX]: "oci-index",
  [OCI_MANIFEST]: "oci-manifest",
  [DOCKER_MANIFEST_LIST]: "docker-manifest-list",
  [DOCKER_MANIFEST]: "docker-manifest",
};

/** The kind a media type names, or `undefined` for anything else (schema 1, artifacts, garbage). */
export function manifestKindOf(mediaType: string | undefined): ManifestKind | undefined {
  if (mediaType === undefined) return undefined;
  return KINDS[mediaType.split(";")[0]?.trim().toLowerCase() ?? ""];
}

/** True for the two multi-platform kinds. */
export function isIndexKind(kind: ManifestKind): boolean {
  return kind === "oci-index" || kind === "docker-manifest-list";
}
