/** Which {@link RegistryEndpoint} serves an image. */
import type { ImageReference } from "../image/reference.js";
import type { ImageRepository, RegistryEndpoint } from "../registry/types.js";
import { DOCKER_HUB_ENDPOINT } from "./registries-conf.js";

const DOCKER_HUB_NAMES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** True for every name Docker Hub goes by (`docker.io`, `index.docker.io`, `registry-1.docker.io`, …). */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_NAMES.has(registry.toLowerCase());
}

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
 * 3. otherwise an inferred `https://<registry>` endpoint: no credentials, limit `INFERRED_REGISTRY_LIMIT`,
 *    never insecure (plain http needs a configured entry with `insecure: yes`).
 * Docker Hub's other names (`index.docker.io`, `registry-1.docker.io`) count as `docker.io`.
 */
export function resolveRegistryEndpoint(
  endpoints: readonly RegistryEndpoint[],
  image: ImageRepository | ImageReference,
): RegistryEndpoint {
  return resolveRegistryTarget(endpoints, image).endpoint;
}

/** The endpoint serving `image` ({@link resolveRegistryEndpoint}) and the repository path to request there. */
export function resolveRegistryTarget(
  endpoints: readonly RegistryEndpoint[],
  original: ImageRepository | ImageReference,
): { readonly endpoint: RegistryEndpoint; readonly path: string } {
  const image = isDockerHub(original.registry) ? { ...original, registry: DOCKER_HUB_ENDPOINT.prefix } : original;
  const endpoint = endpointServing(endpoints, image);
  return { endpoint, path: repositoryInRegistry(image, endpoint) };
}

function endpointServing(
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

/**
 * The folder of OCI image layouts an endpoint serves (`api_url: file:///path`), or `null` for a registry
 * reached over HTTP. Images live at `<path>/<registry>/<repository>` or `<path>/<repository>`.
 */
export function imageLayoutRoot(endpoint: RegistryEndpoint): string | null {
  if (!endpoint.apiUrl.startsWith("file:")) return null;
  try {
    return decodeURIComponent(new URL(endpoint.apiUrl).pathname);
  } catch {
    return null;
  }
}
