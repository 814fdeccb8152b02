/**
 * The registry an updater needs, from `registries.conf`: core parses the file and routes each image to its
 * entry; this factory builds the concrete clients (OCI image layouts for `file://` entries, the OCI
 * Distribution client for the rest) and wraps them in core's policies with the metadata cache on disk.
 */
import { join } from "node:path";
import {
  createRegistryRouter,
  type Diagnostic,
  hasErrors,
  type ImageRepository,
  ImageUpdaterError,
  imageLayoutRoot,
  type PolicyRegistryClient,
  parseRegistriesConf,
  type RegistryClient,
  type RegistryEndpoint,
  type RegistryHttpRequest,
  type RegistryPolicyOptions,
  rateLimitOfEndpoints,
  type SecretResolver,
  withRegistryPolicies,
} from "@image-updater/core";
import { createOciRegistryClient } from "./oci-distribution/index.js";
import { createOciLayoutClient } from "./oci-layout.js";

/** Options of {@link createConfiguredRegistry}. */
export interface ConfiguredRegistryOptions {
  /** `registries.conf` text; `null` or absent: the built-in defaults (Docker Hub, `https://<registry>`). */
  readonly registriesConf?: string | null;
  /** Reads Secrets for `pullsecret:` and `secret:` credentials. */
  readonly secrets?: SecretResolver;
  /** Deadline of one registry request (a `registries.conf` entry's `timeout` wins). @default 30_000 */
  readonly timeoutMs?: number;
  /** Longest silence of a registry: connecting, before the headers, between body chunks. @default 15_000 */
  readonly stallTimeoutMs?: number;
  /** Variables `ext:` credential scripts must not see, beside the `env:` ones the file names. */
  readonly hiddenVariables?: readonly string[];
  /** Image metadata is cached in `<cacheDir>/registry-metadata.json`, so a restart spends no request on known digests. */
  readonly cacheDir?: string;
  /** `registries.conf` warnings and client warnings (a truncated tag list, a cache file not written). */
  readonly onWarning?: (message: string) => void;
  /** Every HTTP request sent, for benchmarks and traces (the engine's `registry:request` needs nothing here). */
  readonly onHttpRequest?: (request: RegistryHttpRequest) => void;
  /** Policy settings beyond the rate limits and cache file this factory derives. */
  readonly policies?: Omit<RegistryPolicyOptions, "rateLimits" | "onWarning">;
  /** Requests per second by registry host, replacing what `registries.conf` says (`test --rate-limit`). */
  readonly rateLimits?: Readonly<Record<string, number>>;
}

/** The registry of a configuration: one client for every image, and what the file said. */
export interface ConfiguredRegistry {
  /** Routed by `registries.conf`, with core's policies; its `dispose` saves the metadata cache. */
  readonly client: PolicyRegistryClient;
  readonly endpoints: readonly RegistryEndpoint[];
  /** Warnings and notes of `registries.conf` (errors throw instead). */
  readonly diagnostics: readonly Diagnostic[];
  /** The endpoint serving `repo`. */
  endpointFor(repo: ImageRepository): RegistryEndpoint;
}

/** One line per diagnostic: `registries.conf:LINE: message`. */
export function describeRegistriesConfDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `registries.conf${d.line ? `:${d.line}` : ""}: ${d.message}`);
}

/**
 * Builds the registry for `registries.conf`. Throws `CONFIG_INVALID` naming every problem when the file has
 * errors (argocd-image-updater refuses to start on one too); warnings go to `onWarning`.
 */
export function createConfiguredRegistry(options: ConfiguredRegistryOptions = {}): ConfiguredRegistry {
  const parsed =
    options.registriesConf === null || options.registriesConf === undefined
      ? { endpoints: [] as RegistryEndpoint[], diagnostics: [] as Diagnostic[] }
      : parseRegistriesConf(options.registriesConf);
  const problems = describeRegistriesConfDiagnostics(parsed.diagnostics);
  if (hasErrors(parsed.diagnostics)) {
    throw new ImageUpdaterError("CONFIG_INVALID", `invalid registries.conf: ${problems.join("; ")}`);
  }
  for (const problem of problems) options.onWarning?.(problem);
  const endpoints = parsed.endpoints;
  const oci = createOciRegistryClient({
    endpoints: endpoints.filter((endpoint) => imageLayoutRoot(endpoint) === null),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.onHttpRequest ? { onRequest: options.onHttpRequest } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
    ...(options.hiddenVariables === undefined ? {} : { hiddenVariables: options.hiddenVariables }),
  });
  const layouts = new Map<string, RegistryClient>();
  const router = createRegistryRouter({
    endpoints,
    clientFor(endpoint) {
      const root = imageLayoutRoot(endpoint);
      if (root === null) return oci;
      let layout = layouts.get(root);
      if (layout === undefined) {
        layout = createOciLayoutClient({ root });
        layouts.set(root, layout);
      }
      return layout;
    },
  });
  const cache = options.policies?.metadataCache;
  const client = withRegistryPolicies(router, {
    ...options.policies,
    rateLimits: withOverrides(rateLimitOfEndpoints(endpoints), options.rateLimits),
    metadataCache:
      cache === false || (cache !== undefined && "getByDigest" in cache)
        ? cache
        : {
            ...(options.cacheDir ? { file: join(options.cacheDir, "registry-metadata.json") } : {}),
            ...(options.onWarning ? { onWarning: options.onWarning } : {}),
            ...cache,
          },
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  return { client, endpoints, diagnostics: parsed.diagnostics, endpointFor: router.endpointFor };
}

function withOverrides(
  limitOf: (registry: string) => number | undefined,
  overrides: Readonly<Record<string, number>> | undefined,
): (registry: string) => number | undefined {
  if (overrides === undefined) return limitOf;
  return (registry) => overrides[registry] ?? limitOf(registry);
}
