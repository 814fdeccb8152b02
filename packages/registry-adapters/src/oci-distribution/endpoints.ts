/** Which `registries.conf` entry serves an image, and the built-in defaults when none does. */
import type { ImageRepository, RegistryEndpoint } from "@image-updater/core";

const DOCKER_HUB_NAMES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** True for every name Docker Hub goes by. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_NAMES.has(registry.toLowerCase());
}

/** Docker Hub as argocd-image-updater configures it built in (API host, `library/`, 10 requests/second). */
export const DOCKER_HUB_ENDPOINT: RegistryEndpoint = {
  name: "Docker Hub",
  prefix: "docker.io",
  apiUrl: "https://registry-1.docker.io",
  defaultNamespace: "library",
  tagSortMode: "none",
  insecure: false,
  limit: 10,
  isDefault: false,
};

function matchesPrefix(prefix: string, registry: string, name: string): boolean {
  if (prefix === "") return false;
  if (isDockerHub(prefix) && isDockerHub(registry)) return true;
  const full = `${registry}/${name}`;
  return full === prefix || full.startsWith(`${prefix.replace(/\/+$/, "")}/`) || registry === prefix;
}

/**
 * The endpoint serving `repo`: the configured entry with the longest matching prefix; else, for Docker Hub
 * images, the `default: true` entry or the built-in Docker Hub; else `https://<registry>`.
 */
export function resolveEndpoint(endpoints: readonly RegistryEndpoint[], repo: ImageRepository): RegistryEndpoint {
  let best: RegistryEndpoint | undefined;
  for (const endpoint of endpoints) {
    if (!matchesPrefix(endpoint.prefix, repo.registry, repo.repository)) continue;
    if (best === undefined || endpoint.prefix.length > best.prefix.length) best = endpoint;
  }
  if (best !== undefined) return best;
  if (isDockerHub(repo.registry)) return endpoints.find((e) => e.isDefault) ?? DOCKER_HUB_ENDPOINT;
  return {
    name: repo.registry,
    prefix: repo.registry,
    apiUrl: `https://${repo.registry}`,
    tagSortMode: "none",
    insecure: false,
    isDefault: false,
  };
}

/** Repository path in the API: `nginx` becomes `library/nginx` where the endpoint has a default namespace. */
export function repositoryPath(endpoint: RegistryEndpoint, repo: ImageRepository): string {
  const ns = endpoint.defaultNamespace;
  return ns !== undefined && ns !== "" && !repo.repository.includes("/") ? `${ns}/${repo.repository}` : repo.repository;
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
