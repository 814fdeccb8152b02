/** `createUpdater` options with every default applied, so the cycle never has to guess. */
import { ImageUpdaterError } from "../errors.js";
import { gitCredentialsFromSecret, missingGitCredentialFields } from "../git/secret-credentials.js";
import type { CommitSigning, GitCredentials, GitIdentity, GitWriter, PullRequestProvider } from "../git/types.js";
import { type PolicyRegistryClient, withRegistryPolicies } from "../registry/policies.js";
import type { Platform, RegistryClient, RegistryEndpoint, RegistryRequestEvent } from "../registry/types.js";
import type { Application, ApplicationSource, ApplicationWriter } from "../source/types.js";
import { createStrategyRegistry } from "../strategy/registry.js";
import type { StrategyRegistry } from "../strategy/types.js";
import { parseTemplate, type Template } from "../template/render.js";
import { createApplicationFilter } from "./application-filter.js";
import { DEFAULT_PUSH_RETRIES_PER_GROUP } from "./push-retry-budget.js";
import type { ConfigResolver, GitCredentialsRequest, UpdaterOptions } from "./types.js";

/** The author argocd-image-updater commits as. */
export const DEFAULT_COMMIT_AUTHOR: GitIdentity = { name: "argocd-image-updater", email: "noreply@argoproj.io" };

/** Options after defaults; internal to the engine. */
export interface ResolvedOptions {
  readonly source: ApplicationSource;
  readonly registryFor: (registry: string) => RegistryClient;
  /** Clients with policies seen so far: per-cycle caches reset at each cycle, disposed with the engine. */
  readonly policyClients: () => readonly PolicyRegistryClient[];
  readonly endpoints: readonly RegistryEndpoint[];
  readonly git: GitWriter | undefined;
  readonly applicationWriter: ApplicationWriter | undefined;
  readonly pullRequests: ((repoUrl: string) => PullRequestProvider | undefined) | undefined;
  readonly gitCredentials: (request: GitCredentialsRequest) => Promise<GitCredentials | undefined>;
  readonly author: GitIdentity;
  readonly messageTemplate: Template | undefined;
  readonly signOff: boolean;
  readonly signing: CommitSigning | undefined;
  readonly strategies: StrategyRegistry;
  readonly strategyNames: readonly string[];
  readonly configResolver: ConfigResolver | undefined;
  readonly annotationPrefix: string;
  readonly dryRun: boolean;
  readonly maxConcurrency: number;
  readonly intervalMs: number;
  readonly cycleBudgetMs: number;
  readonly pushRetriesPerGroup: number;
  readonly filter: (application: Application) => boolean;
  readonly defaultPlatforms: readonly Platform[];
  readonly argocdNamespace: string;
  readonly signal: AbortSignal | undefined;
}

function isPolicyClient(client: RegistryClient): client is PolicyRegistryClient {
  return typeof (client as Partial<PolicyRegistryClient>).beginCycle === "function";
}

/**
 * Every client the engine calls goes through core's policies, so the per-cycle sharing of tag lists and
 * digests and the `registry:request` events have one owner. A raw client gets only those: no retries, no
 * breaker, no metadata cache, which stay the embedder's choice (`withRegistryPolicies`).
 */
function withEnginePolicies(client: RegistryClient): PolicyRegistryClient {
  if (isPolicyClient(client)) return client;
  return withRegistryPolicies(client, { retry: false, circuitBreaker: false, metadataCache: false, concurrency: 64 });
}

/** `client` with the engine's observer on every call, so each HTTP request becomes a `registry:request`. */
function observedClient(
  client: PolicyRegistryClient,
  onRequest: (event: RegistryRequestEvent) => void,
): RegistryClient {
  return {
    id: client.id,
    capabilities: client.capabilities,
    listTags: (repo, callOptions) => client.listTags(repo, { ...callOptions, onRequest }),
    getDigest: (repo, tag, callOptions) => client.getDigest(repo, tag, { ...callOptions, onRequest }),
    getMetadata: (repo, reference, callOptions) => client.getMetadata(repo, reference, { ...callOptions, onRequest }),
  };
}

/** Default git credentials: `git:secret:<ns>/<name>` Secrets through `secrets`, read by the shared Secret rule. */
function secretGitCredentials(options: UpdaterOptions) {
  return async (request: GitCredentialsRequest): Promise<GitCredentials | undefined> => {
    if (request.source.kind !== "secret" || options.secrets === undefined) return undefined;
    const label = `${request.source.namespace}/${request.source.name}`;
    const data = await options.secrets.getSecret(request.source.namespace, request.source.name);
    if (data === null) {
      throw new ImageUpdaterError(
        "CREDENTIALS_UNAVAILABLE",
        `Secret ${label} named by write-back-method does not exist`,
      );
    }
    const credentials = gitCredentialsFromSecret(data, request.repoUrl);
    if (credentials === null) {
      throw new ImageUpdaterError("CREDENTIALS_UNAVAILABLE", missingGitCredentialFields(label, request.repoUrl));
    }
    return credentials;
  };
}

/**
 * Applies defaults; throws `CONFIG_INVALID` for options no cycle could run with (a bad template or selector).
 * `onRequest` receives every registry request of every client (the engine's `registry:request`).
 */
export function resolveOptions(
  options: UpdaterOptions,
  signal?: AbortSignal,
  onRequest: (event: RegistryRequestEvent) => void = () => {},
): ResolvedOptions {
  const wrapped = new Map<RegistryClient, { policies: PolicyRegistryClient; observed: RegistryClient }>();
  const pick = typeof options.registry === "function" ? options.registry : () => options.registry as RegistryClient;
  const registryFor = (registry: string): RegistryClient => {
    const client = pick(registry);
    let entry = wrapped.get(client);
    if (entry === undefined) {
      const policies = withEnginePolicies(client);
      entry = { policies, observed: observedClient(policies, onRequest) };
      wrapped.set(client, entry);
    }
    return entry.observed;
  };
  if (typeof options.registry !== "function") registryFor("");
  const strategies = options.strategies ?? createStrategyRegistry();
  const maxConcurrency = options.maxConcurrency ?? 10;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new ImageUpdaterError(
      "CONFIG_INVALID",
      `maxConcurrency must be a whole number of at least 1, not ${maxConcurrency}`,
    );
  }
  const pullRequests = options.pullRequests;
  const cycleBudgetMs = options.cycleBudgetMs ?? 0;
  if (!Number.isFinite(cycleBudgetMs) || cycleBudgetMs < 0) {
    throw new ImageUpdaterError(
      "CONFIG_INVALID",
      `cycleBudgetMs must be 0 (no budget) or a positive number of milliseconds, not ${cycleBudgetMs}`,
    );
  }
  const pushRetriesPerGroup = options.pushRetriesPerGroup ?? DEFAULT_PUSH_RETRIES_PER_GROUP;
  if (!Number.isInteger(pushRetriesPerGroup) || pushRetriesPerGroup < 0) {
    throw new ImageUpdaterError(
      "CONFIG_INVALID",
      `pushRetriesPerGroup must be a whole number of at least 0, not ${pushRetriesPerGroup}`,
    );
  }
  return {
    source: options.source,
    registryFor,
    policyClients: () => [...wrapped.values()].map((entry) => entry.policies),
    endpoints: options.endpoints ?? [],
    git: options.git,
    applicationWriter: options.applicationWriter,
    pullRequests:
      pullRequests === undefined ? undefined : typeof pullRequests === "function" ? pullRequests : () => pullRequests,
    gitCredentials: options.gitCredentials ?? secretGitCredentials(options),
    author: options.commit?.author ?? DEFAULT_COMMIT_AUTHOR,
    messageTemplate:
      options.commit?.messageTemplate === undefined
        ? undefined
        : parseTemplate(options.commit.messageTemplate, { name: "commit-message" }),
    signOff: options.commit?.signOff ?? false,
    signing: options.commit?.signing,
    strategies,
    strategyNames: strategies.names(),
    configResolver: options.configResolver,
    annotationPrefix: options.annotationPrefix ?? "argocd-image-updater.argoproj.io",
    dryRun: options.dryRun ?? false,
    maxConcurrency,
    intervalMs: options.intervalMs ?? 120_000,
    cycleBudgetMs,
    pushRetriesPerGroup,
    filter: createApplicationFilter({
      ...(options.matchApplicationName === undefined ? {} : { names: options.matchApplicationName }),
      ...(options.matchApplicationLabel === undefined ? {} : { labels: options.matchApplicationLabel }),
    }),
    defaultPlatforms: options.defaultPlatforms ?? [],
    argocdNamespace: options.argocdNamespace ?? "argocd",
    signal,
  };
}
