/**
 * One client over many: each call goes to the client serving the image's `registries.conf` entry, as
 * `resolveRegistryEndpoint` picks it. The router is the one place that routes; policies wrap it whole.
 */
import { resolveRegistryEndpoint } from "../config/registry-endpoint.js";
import type { ImageRepository, RegistryCapabilities, RegistryClient, RegistryEndpoint } from "./types.js";

/** Options of {@link createRegistryRouter}. */
export interface RegistryRouterOptions {
  /** `registries.conf` entries. */
  readonly endpoints: readonly RegistryEndpoint[];
  /**
   * The client serving `endpoint` (a built-in default or inferred one included). Asked once per endpoint;
   * return the same client for many endpoints to share it. Each distinct client is disposed with the router.
   */
  readonly clientFor: (endpoint: RegistryEndpoint) => RegistryClient;
  /** What the routed clients can do. @default everything */
  readonly capabilities?: RegistryCapabilities;
}

/** A routed client that also tells which endpoint serves an image. */
export interface RegistryRouter extends RegistryClient {
  /** The `registries.conf` entry (or built-in default) serving `repo`. */
  endpointFor(repo: ImageRepository): RegistryEndpoint;
}

/** Creates a client that routes each call by endpoint. */
export function createRegistryRouter(options: RegistryRouterOptions): RegistryRouter {
  const byEndpoint = new Map<string, RegistryClient>();
  const clients = new Set<RegistryClient>();
  function endpointFor(repo: ImageRepository): RegistryEndpoint {
    return resolveRegistryEndpoint(options.endpoints, repo);
  }
  function route(repo: ImageRepository): RegistryClient {
    const endpoint = endpointFor(repo);
    // Inferred endpoints are new objects on every resolution; their URL and prefix identify them.
    const key = `${endpoint.prefix}\n${endpoint.apiUrl}`;
    let client = byEndpoint.get(key);
    if (client === undefined) {
      client = options.clientFor(endpoint);
      byEndpoint.set(key, client);
      clients.add(client);
    }
    return client;
  }
  return {
    id: "router",
    capabilities: options.capabilities ?? { createdAt: true, platforms: true, labels: true },
    endpointFor,
    listTags: (repo, callOptions) => route(repo).listTags(repo, callOptions),
    getDigest: (repo, tag, callOptions) => route(repo).getDigest(repo, tag, callOptions),
    getMetadata: (repo, reference, callOptions) => route(repo).getMetadata(repo, reference, callOptions),
    async dispose() {
      const all = [...clients];
      clients.clear();
      byEndpoint.clear();
      await Promise.all(all.map((client) => client.dispose?.()));
    },
  };
}
