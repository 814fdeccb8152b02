/**
 * The OCI Distribution client: any registry speaking the Docker Registry HTTP API v2 (Docker Hub, GHCR,
 * Quay, Harbor, GCR/Artifact Registry, ECR, ACR, distribution). It spends the fewest requests it can: HEAD for
 * digests, index children filtered before they are fetched, tokens reused until they expire.
 */
import {
  type CredentialReference,
  type ImageRepository,
  type ManifestMetadata,
  type MetadataOptions,
  type RegistryClient,
  type RegistryCredentials,
  type RegistryEndpoint,
  RegistryError,
  type RegistryHttpRequest,
  type RegistryRequestOptions,
  resolveRegistryTarget,
  type SecretResolver,
} from "@image-updater/core";
import { Agent, type Dispatcher } from "undici";
import { createCredentialSource, credentialReferenceKey } from "../credentials/reference.js";
import { createStaticCredentials } from "../credentials/static.js";
import type { CredentialSource } from "../credentials/types.js";
import { MANIFEST_ACCEPT } from "../manifest/media-types.js";
import { isDigest, sha256Digest } from "../manifest/parse.js";
import { type ContentStore, type FetchedManifest, resolveMetadata } from "../manifest/resolve.js";
import { type Authenticator, createAuthenticator } from "./auth.js";
import { scopeActions } from "./endpoints.js";
import {
  agentTimeouts,
  DEFAULT_STALL_TIMEOUT_MS,
  describe,
  type HttpResponse,
  registryErrorCode,
  send,
  statusError,
} from "./http.js";
import { nextLink } from "./link.js";
import { createEndpointAgent, needsOwnAgent } from "./tls.js";

export { scopeActions } from "./endpoints.js";

/** Options of {@link createOciRegistryClient}. */
export interface OciRegistryClientOptions {
  /**
   * `registries.conf` entries, resolved by core's `resolveRegistryEndpoint`: longest prefix, then the default
   * entry or built-in Docker Hub for Docker Hub images, else `https://<registry>`.
   */
  readonly endpoints?: readonly RegistryEndpoint[];
  /**
   * Fixed credentials per registry, keyed as images name the registry (`ghcr.io`, `127.0.0.1:5000`). Used when
   * the endpoint has no `credentials:` and the call names none.
   */
  readonly credentials?: Readonly<Record<string, RegistryCredentials | CredentialSource>>;
  /** Reads Kubernetes Secrets for `pullsecret:` and `secret:` references. */
  readonly secrets?: SecretResolver;
  /**
   * Builds the source for a credential reference. @default {@link createCredentialSource} with `secrets`, the
   * endpoint's `credsexpire` and the registry's names for `.dockerconfigjson` matching.
   */
  readonly credentialSource?: (reference: CredentialReference, endpoint: RegistryEndpoint) => CredentialSource;
  /** `n` of `/tags/list` requests. @default 1000 (ECR's maximum) */
  readonly pageSize?: number;
  /**
   * Most tags read per repository. A longer list fails the lookup with `LIMIT_EXCEEDED` (a decision on a cut
   * list could pick the wrong tag); a `registries.conf` entry's `maxtags` wins. @default 100_000
   */
  readonly maxTags?: number;
  /** Per HTTP request, headers and body included; a `registries.conf` entry's `timeout` wins. @default 30_000 */
  readonly timeoutMs?: number;
  /** Longest silence of a registry: connecting, before the headers, between body chunks. @default 15_000 */
  readonly stallTimeoutMs?: number;
  /** Most bytes read from one response (tag list page, manifest, config), counted as received. @default 32 MiB */
  readonly maxBodyBytes?: number;
  /**
   * Variables `ext:` credential scripts must not see, beside every `env:` variable the endpoints name (which
   * are always hidden), e.g. a pull-request token.
   */
  readonly hiddenVariables?: readonly string[];
  /** Something worth a log line happened (a truncated tag list, a foreign pagination link). */
  readonly onWarning?: (message: string) => void;
  /** Called after every HTTP request, for counting (each call's `onHttpRequest` is told as well). */
  readonly onRequest?: (event: RegistryHttpRequest) => void;
}

/** A registry client that also tells which endpoint serves an image. */
export interface OciRegistryClient extends RegistryClient {
  /** The `registries.conf` entry (or built-in default) used for `repo`. */
  endpointFor(repo: ImageRepository): RegistryEndpoint;
}

interface EndpointState {
  readonly endpoint: RegistryEndpoint;
  readonly auth: Promise<Authenticator>;
  readonly dispatcher: Promise<Dispatcher>;
}

const SOURCE = "oci-distribution";
/** Tag grammar of the distribution spec; digests are checked by `isDigest`. Nothing else reaches a URL. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const MAX_REDIRECTS = 5;

/** Creates a client for every registry reachable over the Distribution API. */
export function createOciRegistryClient(options: OciRegistryClientOptions = {}): OciRegistryClient {
  const endpoints = options.endpoints ?? [];
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? 1000));
  const defaultMaxTags = Math.max(1, Math.floor(options.maxTags ?? 100_000));
  const defaultTimeoutMs = options.timeoutMs ?? 30_000;
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const warn = options.onWarning ?? (() => {});
  const { connectTimeout, ...agentLimits } = agentTimeouts(stallMs);
  const sharedAgent = new Agent({
    keepAliveTimeout: 30_000,
    connections: 16,
    ...agentLimits,
    connect: { timeout: connectTimeout },
  });
  let disposed: Promise<void> | undefined;
  const ownAgents: Promise<Agent>[] = [];
  const states = new Map<string, EndpointState>();
  const sources = new Map<string, CredentialSource>();
  const hiddenVariables = [
    ...(options.hiddenVariables ?? []),
    ...endpoints.flatMap((e) => (e.credentials?.kind === "env" ? [e.credentials.variable] : [])),
  ];

  function stateFor(endpoint: RegistryEndpoint, registry: string): EndpointState {
    const key = `${registry}\n${endpoint.apiUrl}\n${endpoint.insecure}\n${endpoint.caFile ?? ""}\n${endpoint.caData ?? ""}`;
    let state = states.get(key);
    if (state === undefined) {
      let dispatcher: Promise<Dispatcher> = Promise.resolve(sharedAgent);
      if (needsOwnAgent(endpoint)) {
        const agent = createEndpointAgent(endpoint, stallMs);
        agent.catch(() => {});
        ownAgents.push(agent);
        dispatcher = agent;
      }
      // Pacing at `limit` is core's policies' job (the call's `pace`), not this client's.
      const auth = dispatcher.then((d) =>
        createAuthenticator({
          registry,
          source: SOURCE,
          dispatcher: d,
          timeoutMs: endpoint.timeoutMs ?? defaultTimeoutMs,
          ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        }),
      );
      auth.catch(() => {});
      state = { endpoint, auth, dispatcher };
      states.set(key, state);
    }
    return state;
  }

  function credentialsFor(
    endpoint: RegistryEndpoint,
    repo: ImageRepository,
    reference: CredentialReference | undefined,
  ): CredentialSource | undefined {
    const ref = reference ?? endpoint.credentials;
    if (ref === undefined) {
      const fixed = options.credentials?.[repo.registry];
      if (fixed === undefined) return undefined;
      const key = `static\n${repo.registry}`;
      let source = sources.get(key);
      if (source === undefined) {
        source = "get" in fixed ? fixed : createStaticCredentials(fixed, `static:${repo.registry}`);
        sources.set(key, source);
      }
      return source;
    }
    const key = `${endpoint.apiUrl}\n${credentialReferenceKey(ref)}`;
    let source = sources.get(key);
    if (source === undefined) {
      source = options.credentialSource
        ? options.credentialSource(ref, endpoint)
        : createCredentialSource(ref, {
            ...(options.secrets ? { secrets: options.secrets } : {}),
            registries: [repo.registry, endpoint.apiUrl],
            hiddenVariables,
            ...(endpoint.credentialsExpireMs === undefined ? {} : { expireMs: endpoint.credentialsExpireMs }),
          });
      sources.set(key, source);
    }
    return source;
  }

  /** Everything one call needs about the repository it is about. */
  function target(repo: ImageRepository, callOptions: RegistryRequestOptions | undefined) {
    const { endpoint, path } = resolveRegistryTarget(endpoints, repo);
    if (!REPOSITORY.test(path)) {
      throw new RegistryError("REGISTRY_NOT_FOUND", `[${SOURCE}] ${JSON.stringify(path)} is not a repository name`, {
        registry: repo.registry,
      });
    }
    const state = stateFor(endpoint, repo.registry);
    const credentials = credentialsFor(endpoint, repo, callOptions?.credentials);
    const base = endpoint.apiUrl.replace(/\/+$/, "");
    const scope = `repository:${path}:${scopeActions(endpoint)}`;
    const signal = callOptions?.signal;
    const callObserver = callOptions?.onHttpRequest;
    const onRequest = (event: RegistryHttpRequest): void => {
      options.onRequest?.(event);
      callObserver?.(event);
    };
    const pace = callOptions?.pace;
    async function request(method: "GET" | "HEAD", url: URL, kind: "tags" | "manifest" | "blob", accept: string) {
      const auth = await state.auth;
      return auth.send({
        method,
        url,
        headers: { accept },
        kind,
        scope,
        onRequest,
        ...(credentials ? { credentials } : {}),
        ...(signal ? { signal } : {}),
        ...(pace ? { pace } : {}),
      });
    }
    function fail(method: "GET" | "HEAD", url: URL, response: HttpResponse) {
      return statusError({ method, url, registry: repo.registry, source: SOURCE }, response);
    }
    return { endpoint, path, state, base, signal, onRequest, pace, request, fail };
  }

  function abortIfNeeded(signal: AbortSignal | undefined, what: string, registry: string): void {
    if (signal?.aborted) {
      throw new RegistryError("ABORTED", `[${SOURCE}] ${what} on ${registry}: aborted`, {
        registry,
        cause: signal.reason,
      });
    }
  }

  function protocol(registry: string, what: string, detail: string, cause?: unknown): RegistryError {
    return new RegistryError("REGISTRY_PROTOCOL", `[${SOURCE}] ${what} on ${registry}: ${detail}`, {
      registry,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  async function getManifest(
    repo: ImageRepository,
    t: ReturnType<typeof target>,
    reference: string,
  ): Promise<FetchedManifest | null> {
    if (!TAG.test(reference) && !isDigest(reference)) return null;
    const url = new URL(`${t.base}/v2/${t.path}/manifests/${reference}`);
    const response = await t.request("GET", url, "manifest", MANIFEST_ACCEPT);
    if (response.status === 404) {
      if (registryErrorCode(response.body) === "NAME_UNKNOWN") throw t.fail("GET", url, response);
      return null;
    }
    if (response.status !== 200) throw t.fail("GET", url, response);
    const digest = sha256Digest(response.body);
    if (isDigest(reference) && digest !== reference) {
      throw protocol(repo.registry, describe("GET", url), `content does not match digest ${reference}`);
    }
    const contentType = response.headers.get("content-type");
    return { bytes: response.body, digest, ...(contentType ? { contentType } : {}) };
  }

  async function getBlob(repo: ImageRepository, t: ReturnType<typeof target>, digest: string): Promise<Uint8Array> {
    const url = new URL(`${t.base}/v2/${t.path}/blobs/${digest}`);
    let response = await t.request("GET", url, "blob", "*/*");
    let current = url;
    // Registries hand blobs to a CDN or object store; those get no registry credentials.
    for (let hop = 0; hop < MAX_REDIRECTS && response.status >= 300 && response.status < 400; hop++) {
      const location = response.headers.get("location");
      if (location === null) break;
      const next = new URL(location, current);
      const dispatcher = await t.state.dispatcher;
      if (next.origin !== url.origin) await t.pace?.(t.signal);
      response =
        next.origin === url.origin
          ? await t.request("GET", next, "blob", "*/*")
          : await send({
              method: "GET",
              url: next,
              headers: {},
              kind: "blob",
              registry: repo.registry,
              dispatcher,
              timeoutMs: t.endpoint.timeoutMs ?? defaultTimeoutMs,
              ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
              source: SOURCE,
              onRequest: t.onRequest,
              ...(t.signal ? { signal: t.signal } : {}),
            });
      current = next;
    }
    if (response.status !== 200) throw t.fail("GET", url, response);
    if (sha256Digest(response.body) !== digest) {
      throw protocol(repo.registry, describe("GET", url), "blob content does not match its digest");
    }
    return response.body;
  }

  return {
    id: SOURCE,
    capabilities: { createdAt: true, platforms: true, labels: true },

    endpointFor(repo) {
      return resolveRegistryTarget(endpoints, repo).endpoint;
    },

    async listTags(repo, callOptions) {
      const t = target(repo, callOptions);
      let url: URL | undefined = new URL(`${t.base}/v2/${t.path}/tags/list`);
      url.searchParams.set("n", String(pageSize));
      const origin = url.origin;
      const seen = new Set<string>();
      const visited = new Set<string>();
      const tags: string[] = [];
      const maxTags = t.endpoint.maxTags ?? defaultMaxTags;
      while (url !== undefined) {
        abortIfNeeded(t.signal, describe("GET", url), repo.registry);
        visited.add(url.href);
        const response = await t.request("GET", url, "tags", "application/json");
        if (response.status !== 200) throw t.fail("GET", url, response);
        let body: { tags?: unknown };
        try {
          body = JSON.parse(new TextDecoder().decode(response.body));
        } catch (cause) {
          throw protocol(repo.registry, describe("GET", url), "tag list is not JSON", cause);
        }
        const page = body?.tags ?? [];
        if (!Array.isArray(page) || page.some((tag) => typeof tag !== "string")) {
          throw protocol(repo.registry, describe("GET", url), "tag list has no tags array of strings");
        }
        for (const tag of page as string[]) {
          if (seen.has(tag)) continue;
          if (tags.length >= maxTags) {
            // A cut list can hide the newest tag: no decision is made on one.
            throw new RegistryError(
              "LIMIT_EXCEEDED",
              `[${SOURCE}] ${repo.registry}/${t.path} has more than ${maxTags} tags; raise \`maxtags\` of its registries.conf entry, or the client's maxTags`,
              { registry: repo.registry },
            );
          }
          seen.add(tag);
          tags.push(tag);
        }
        const next = nextLink(response.headers.get("link"), url);
        if (next !== undefined && next.origin !== origin) {
          warn(`[${SOURCE}] ${repo.registry}/${t.path}: pagination link to another host ignored`);
          break;
        }
        url = next !== undefined && !visited.has(next.href) ? next : undefined;
      }
      return tags;
    },

    async getDigest(repo, tag, callOptions) {
      const t = target(repo, callOptions);
      if (!TAG.test(tag)) return null;
      const url = new URL(`${t.base}/v2/${t.path}/manifests/${tag}`);
      const response = await t.request("HEAD", url, "manifest", MANIFEST_ACCEPT);
      if (response.status === 404) return null;
      if (response.status !== 200) throw t.fail("HEAD", url, response);
      const digest = response.headers.get("docker-content-digest");
      if (digest !== null && isDigest(digest)) return digest;
      // Some registries omit the header on HEAD; the body's hash is the digest.
      return (await getManifest(repo, t, tag))?.digest ?? null;
    },

    async getMetadata(repo, reference, callOptions?: MetadataOptions): Promise<ManifestMetadata | null> {
      const t = target(repo, callOptions);
      const store: ContentStore = {
        getManifest: (ref) => getManifest(repo, t, ref),
        getBlob: (digest) => getBlob(repo, t, digest),
      };
      return resolveMetadata(store, reference, {
        source: SOURCE,
        registry: repo.registry,
        name: `${t.path}${isDigest(reference) ? "@" : ":"}${reference}`,
        ...(callOptions?.platforms ? { platforms: callOptions.platforms } : {}),
        ...(t.signal ? { signal: t.signal } : {}),
      });
    },

    dispose() {
      // Idempotent: the engine disposes the clients it was given, and their owner may dispose them too.
      disposed ??= (async () => {
        const agents = await Promise.allSettled(ownAgents.splice(0));
        await Promise.all([
          sharedAgent.close(),
          ...agents.flatMap((a) => (a.status === "fulfilled" ? [a.value.close()] : [])),
        ]);
      })();
      return disposed;
    },
  };
}
