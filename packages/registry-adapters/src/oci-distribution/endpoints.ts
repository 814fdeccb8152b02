/**
 * Endpoint details the client adds on top of core's resolution (`resolveRegistryEndpoint`): Docker Hub's
 * many names, and the token scope each registry wants.
 */
import {
  type ImageRepository,
  type RegistryEndpoint,
  repositoryInRegistry,
  resolveRegistryEndpoint,
} from "@image-updater/core";

const DOCKER_HUB_NAMES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** True for every name Docker Hub goes by. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_NAMES.has(registry.toLowerCase());
}

/**
 * The endpoint serving `repo` and the repository path to request there, by core's rules (longest prefix,
 * then Docker Hub's default, then `https://<registry>`). Docker Hub's other names count as `docker.io`.
 */
export function endpointFor(
  endpoints: readonly RegistryEndpoint[],
  repo: ImageRepository,
): { readonly endpoint: RegistryEndpoint; readonly path: string } {
  const normalized = isDockerHub(repo.registry) ? { ...repo, registry: "docker.io" } : repo;
  const endpoint = resolveRegistryEndpoint(endpoints, normalized);
  return { endpoint, path: repositoryInRegistry(normalized, endpoint) };
}

/** Token scope actions for reading a repository. ACR refuses a tag listing without `metadata_read`. */
export function scopeActions(endpoint: RegistryEndpoint): string {
  let host = "";
  try {
    host = new URL(endpoint.apiUrl).hostname;
  } catch {
    return "pull";
  }
  return /\.azurecr\.(io|cn|us)$/i.test(host) ? "pull,metadata_read,content_read" : "pull";
}
