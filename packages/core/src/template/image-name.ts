/** How images and tags appear in template data, following argocd-image-updater. */
import { DOCKER_HUB_REGISTRY, parseImageName, splitReference } from "../image/reference.js";

/**
 * The image name without registry, tag or digest (argocd-image-updater's `ImageName`): `docker.io/myorg/myapp`
 * → `myorg/myapp`, `gcr.io/example/example` → `example/example`; Docker Hub's `library/` is dropped unless the
 * text started with it.
 */
export function templateImageName(image: string): string {
  const { name } = splitReference(image.trim());
  const parsed = parseImageName(name);
  if (typeof parsed === "string" || !parsed.registryExplicit) return name;
  const path = name.slice(name.indexOf("/") + 1);
  return parsed.registry === DOCKER_HUB_REGISTRY && path.startsWith("library/") ? path.slice("library/".length) : path;
}

/** A tag as templates show it: the digest for digest-pinned images (argocd-image-updater's `ImageTag.String()`). */
export function templateTag(
  tag: string | undefined,
  digest: string | undefined,
  pinDigest: boolean | undefined,
): string {
  if (pinDigest === true && digest !== undefined && digest !== "") return digest;
  return tag ?? "";
}
