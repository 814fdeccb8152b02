/** How images and tags appear in template data, following argocd-image-updater. */

const DOCKER_HUB = new Set(["docker.io", "index.docker.io"]);

function isRegistryHost(segment: string): boolean {
  return segment.includes(".") || segment.includes(":") || segment === "localhost" || segment !== segment.toLowerCase();
}

/**
 * The image name without registry, tag or digest (argocd-image-updater's `ImageName`): `docker.io/myorg/myapp`
 * → `myorg/myapp`, `gcr.io/example/example` → `example/example`; Docker Hub's `library/` is dropped unless the
 * text started with it.
 */
export function templateImageName(image: string): string {
  const text = image.trim();
  const at = text.indexOf("@");
  let name = at < 0 ? text : text.slice(0, at);
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  if (colon >= 0) name = name.slice(0, colon);
  const slash = name.indexOf("/");
  if (slash < 0) return name;
  const first = name.slice(0, slash);
  if (!isRegistryHost(first)) return name;
  const path = name.slice(slash + 1);
  return DOCKER_HUB.has(first) && path.startsWith("library/") ? path.slice("library/".length) : path;
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
