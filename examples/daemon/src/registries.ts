import { join } from "node:path";
import {
  type Diagnostic,
  type RegistryRequestEvent as EngineRegistryRequestEvent,
  type ImageRepository,
  ImageUpdaterError,
  type PolicyRegistryClient,
  parseRegistriesConf,
  type RegistryCallEvent,
  type RegistryClient,
  type RegistryEndpoint,
  rateLimitsFromEndpoints,
  resolveRegistryEndpoint,
  type SecretResolver,
  withRegistryPolicies,
} from "@image-updater/core";
import {
  createOciLayoutClient,
  createOciRegistryClient,
  type RegistryRequestEvent,
} from "@image-updater/registry-adapters";

/** Host standing for "an OCI image layout on disk" once a `file://` api_url went through the https-only parser. */
const LAYOUT_HOST = "oci-layout.invalid";

/** Options of {@link createDaemonRegistries}. */
export interface DaemonRegistriesOptions {
  /** `registries.conf` text, `null` for the built-in defaults. */
  readonly registriesConf: string | null;
  readonly secrets?: SecretResolver;
  /** Image metadata is cached on disk under it, so a restart spends no request on known digests. */
  readonly cacheDir?: string;
  readonly onWarning?: (message: string) => void;
  /** Every HTTP request the OCI client sends (not the cache hits). */
  readonly onRequest?: (event: RegistryRequestEvent) => void;
  /** Every call through the policies, cache hits included. */
  readonly onCall?: (event: RegistryCallEvent) => void;
  /**
   * Every call in the engine's `registry:request` shape: calls that reached a client with their duration,
   * cache hits and shared calls with outcome `cached` and 0 ms. Feeds the daemon's metrics.
   */
  readonly onRegistryRequest?: (event: EngineRegistryRequestEvent) => void;
  /** Clock for durations. @default performance.now */
  readonly now?: () => number;
  /** Requests per second by registry host, replacing what `registries.conf` says (`test --rate-limit`). */
  readonly rateLimits?: Readonly<Record<string, number>>;
}

/** Error codes as the engine's `registry:request` outcomes name them. */
const OUTCOMES: Readonly<Record<string, string>> = {
  REGISTRY_AUTH: "auth",
  CREDENTIALS_UNAVAILABLE: "auth",
  REGISTRY_NOT_FOUND: "not-found",
  REGISTRY_RATE_LIMITED: "rate-limited",
  REGISTRY_UNAVAILABLE: "unavailable",
  REGISTRY_CIRCUIT_OPEN: "unavailable",
  TIMEOUT: "unavailable",
  REGISTRY_PROTOCOL: "protocol",
  ABORTED: "aborted",
};

function outcomeOf(error: unknown): string {
  return error instanceof ImageUpdaterError ? (OUTCOMES[error.code] ?? "protocol") : "protocol";
}

/** The registries the daemon talks to. */
export interface DaemonRegistries {
  /** One client for every registry, with core's policies (retries, limits, caches, counting). */
  readonly client: PolicyRegistryClient;
  readonly endpoints: readonly RegistryEndpoint[];
  /** Problems in `registries.conf`, with their line. */
  readonly diagnostics: readonly Diagnostic[];
  /** The endpoint serving `repo`. */
  endpointFor(repo: ImageRepository): RegistryEndpoint;
  dispose(): Promise<void>;
}

/**
 * `api_url: file:///path` makes an entry serve images from OCI image layouts under `/path`
 * (`<path>/<registry>/<repository>` or `<path>/<repository>`), for air-gapped setups and the demo. The
 * `registries.conf` parser accepts only http(s), so such URLs are rewritten, in place and on the same line,
 * to a reserved host before parsing.
 */
export function rewriteLayoutUrls(text: string): string {
  return text.replace(
    /^(?<lead>\s*-?\s*api_url:\s*)(?<quote>["']?)file:\/\/(?<path>\/[^"'\s#]*)\k<quote>/gm,
    (_match, lead: string, quote: string, path: string) => `${lead}${quote}https://${LAYOUT_HOST}${path}${quote}`,
  );
}

function layoutRoot(endpoint: RegistryEndpoint): string | null {
  try {
    const url = new URL(endpoint.apiUrl);
    return url.hostname === LAYOUT_HOST ? decodeURIComponent(url.pathname) : null;
  } catch {
    return null;
  }
}

/** One line per diagnostic, `registries.conf:LINE: message`. */
export function describeRegistriesConfDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `registries.conf${d.line ? `:${d.line}` : ""}: ${d.message}`);
}

/** Parses `registries.conf` and builds one routed client: image layouts for `file://` entries, OCI Distribution otherwise. */
export function createDaemonRegistries(options: DaemonRegistriesOptions): DaemonRegistries {
  const parsed =
    options.registriesConf === null
      ? { endpoints: [] as RegistryEndpoint[], diagnostics: [] as Diagnostic[] }
      : parseRegistriesConf(rewriteLayoutUrls(options.registriesConf));
  const endpoints = parsed.endpoints;
  const oci = createOciRegistryClient({
    endpoints: endpoints.filter((e) => layoutRoot(e) === null),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  const layouts = new Map<string, RegistryClient>();
  function endpointFor(repo: ImageRepository): RegistryEndpoint {
    return resolveRegistryEndpoint(endpoints, repo);
  }
  function clientFor(repo: ImageRepository): RegistryClient {
    const root = layoutRoot(endpointFor(repo));
    if (root === null) return oci;
    let client = layouts.get(root);
    if (!client) {
      client = createOciLayoutClient({ root });
      layouts.set(root, client);
    }
    return client;
  }
  const now = options.now ?? (() => performance.now());
  async function timed<T>(repo: ImageRepository, method: string, call: () => Promise<T>): Promise<T> {
    const started = now();
    const report = (outcome: string) =>
      options.onRegistryRequest?.({ registry: repo.registry, method, outcome, durationMs: now() - started });
    try {
      const value = await call();
      report(value === null ? "not-found" : "ok");
      return value;
    } catch (error) {
      report(outcomeOf(error));
      throw error;
    }
  }
  const router: RegistryClient = {
    id: "daemon-router",
    capabilities: { createdAt: true, platforms: true, labels: true },
    listTags: (repo, o) => timed(repo, "listTags", () => clientFor(repo).listTags(repo, o)),
    getDigest: (repo, tag, o) => timed(repo, "getDigest", () => clientFor(repo).getDigest(repo, tag, o)),
    getMetadata: (repo, reference, o) =>
      timed(repo, "getMetadata", () => clientFor(repo).getMetadata(repo, reference, o)),
    async dispose() {
      await oci.dispose?.();
      for (const client of layouts.values()) await client.dispose?.();
    },
  };
  const client = withRegistryPolicies(router, {
    rateLimits: { ...rateLimitsFromEndpoints(endpoints), ...options.rateLimits },
    metadataCache: {
      ...(options.cacheDir ? { file: join(options.cacheDir, "registry-metadata.json") } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    },
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    onCall(event) {
      options.onCall?.(event);
      if (event.outcome === "cached" || event.outcome === "shared") {
        options.onRegistryRequest?.({
          registry: event.registry,
          method: event.method,
          outcome: "cached",
          durationMs: 0,
        });
      }
    },
  });
  return {
    client,
    endpoints,
    diagnostics: parsed.diagnostics,
    endpointFor,
    async dispose() {
      await client.flush().catch(() => undefined);
      await client.dispose?.();
    },
  };
}
