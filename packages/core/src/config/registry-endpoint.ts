/** Which {@link RegistryEndpoint} serves an image. */
import type { ImageReference } from "../image/reference.js";
import type { ImageRepository, RegistryEndpoint } from "../registry/types.js";
import { DOCKER_HUB_ENDPOINT } from "./registries-conf.js";

/** Requests per second for registries `registries.conf` does not name (argocd-image-updater's value). */
export const INFERRED_REGISTRY_LIMIT = 20;

/**
 * The endpoint serving `image`, most specific first:
 * 0. for an {@link ImageReference} written without registry (`nginx`, `myorg/app`): the default entry
 *    (`default: yes` or no prefix) when there is one, as argocd-image-updater does for implicit registries;
 * 1. the configured entry with the longest `prefix` that is the image's registry or a path prefix of
 *    `registry/repository` on a `/` boundary (`ghcr.io/org` serves `ghcr.io/org/app`, not `ghcr.io/organ/x`);
 *    argocd-image-updater checks an exact registry match before longer prefixes, which makes per-org entries
 *    unusable next to a host entry, so the most specific entry wins here;
 * 2. for Docker Hub images (`nginx`, `docker.io/…`): the default entry (`default: yes` or no prefix), else
 *    {@link DOCKER_HUB_ENDPOINT};
 * 3. otherwise an inferred `https://<registry>` endpoint: no credentials, limit {@link INFERRED_REGISTRY_LIMIT},
 *    never insecure (plain http needs a configured entry with `insecure: yes`).
 */
export function resolveRegistryEndpoint(
  endpoints: readonly RegistryEndpoint[],
  image: ImageRepository | ImageReference,
): RegistryEndpoint {
  const configuredDefault = endpoints.find((endpoint) => endpoint.isDefault);
  if ("registryExplicit" in image && !image.registryExplicit && configuredDefault !== undefined)
    return configuredDefault;
  const full = `${image.registry}/${image.repository}`;
  let best: RegistryEndpoint | undefined;
  for (const endpoint of endpoints) {
    const prefix = endpoint.prefix.replace(/\/+$/, "");
    if (prefix === "") continue;
    const matches = prefix === image.registry || full === prefix || full.startsWith(`${prefix}/`);
    if (matches && (best === undefined || prefix.length > best.prefix.replace(/\/+$/, "").length)) best = endpoint;
  }
  if (best !== undefined) return best;
  if (image.registry === DOCKER_HUB_ENDPOINT.prefix) {
    return configuredDefault ?? DOCKER_HUB_ENDPOINT;
  }
  return {
    name: image.registry,
    prefix: image.registry,
    apiUrl: `https://${image.registry}`,
    tagSortMode: "none",
    insecure: false,
    limit: INFERRED_REGISTRY_LIMIT,
    isDefault: false,
  };
}

/**
 * The repository path to request from `endpoint`: its `defaultns` is prepended to single-segment names
 * (`myapp` → `myns/myapp`). Docker Hub references already carry `library/`.
 */
export function repositoryInRegistry(image: ImageRepository, endpoint: RegistryEndpoint): string {
  return endpoint.defaultNamespace && !image.repository.includes("/")
    ? `${endpoint.defaultNamespace}/${image.repository}`
    : image.repository;
}
