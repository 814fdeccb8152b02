/**
 * The composition root: the only place that knows concrete adapters. It turns the daemon's resolved
 * configuration into core's `createUpdater` over the Kubernetes API or the directory source, the registry `registries.conf`
 * describes (`createConfiguredRegistry`) and the git CLI writer. The loop, routing, policies and events are
 * the SDK's; an operator embedding it writes these same lines.
 */
import { join } from "node:path";
import {
  type CycleCounters,
  createUpdater,
  type ImageTrigger,
  type RunOptions,
  type TypedEmitter,
  type UpdaterEvents,
} from "@image-updater/core";
import { createCliGitWriter, createPullRequestProvider, type GitOperationEvent } from "@image-updater/git-adapters";
import {
  createDirectoryApplicationWriter,
  createDirectoryGitCredentials,
  createDirectorySecretResolver,
  createDirectorySource,
  type KubeApiRequestEvent,
  type LeaderElector,
} from "@image-updater/k8s-source";
import { createConfiguredRegistry } from "@image-updater/registry-adapters";
import { type DaemonDeadlines, PULL_REQUEST_TOKEN_ENV, type PullRequestOptions } from "./config/run-options.js";
import { createKubernetesAdapters } from "./kubernetes/kubernetes-adapters.js";
import type { KubernetesRunOptions } from "./kubernetes/kubernetes-options.js";
import type { WebhookSecretFeed } from "./kubernetes/webhook-secret-feed.js";

/** Everything the engine needs, already read from files and validated. */
export interface DaemonConfig {
  /** Folder of Argo CD Application manifests; `null` in Kubernetes mode. */
  readonly applicationsDir: string | null;
  /** Kubernetes mode: Applications, Secrets and the `argocd` write-back through the API. */
  readonly kubernetes?: KubernetesRunOptions | null;
  /** Every Kubernetes API request, for `argocd_image_updater_k8s_api_requests_total`. */
  readonly onKubeRequest?: (event: KubeApiRequestEvent) => void;
  /** Folder of Secret manifests for `secret:`/`pullsecret:` references, when any. */
  readonly secretsDir: string | null;
  /** Namespace of manifests that state none. */
  readonly argocdNamespace: string;
  /** `registries.conf` text, or `null` for the built-in defaults (Docker Hub). */
  readonly registriesConf: string | null;
  /** Go template of commit messages, or `null` for argocd-image-updater's default. */
  readonly commitMessageTemplate: string | null;
  /** known_hosts lines for SSH remotes whose credentials carry none; `null` for the system's. */
  readonly sshKnownHosts?: string | null;
  readonly git: {
    readonly user: string;
    readonly email: string;
    readonly signingKey: string | null;
    readonly signingMethod: "openpgp" | "ssh";
    readonly signOff: boolean;
  };
  readonly dryRun: boolean;
  readonly maxConcurrency: number;
  /** Image metadata entries held in memory (the rest stays under `cacheDir`). @default 10_000 */
  readonly metadataCacheEntries?: number;
  readonly matchApplicationNames: readonly string[];
  /** Where pull requests for write branches are opened; absent: none. */
  readonly pullRequests?: PullRequestOptions | null;
  /** Label selector text (`team=a,tier!=db`), or `null` for every application. */
  readonly matchApplicationLabel: string | null;
  /** Metadata cache and git mirrors live under it. */
  readonly cacheDir: string;
  /** Deadlines of git and registry work; absent fields keep the adapters' defaults. */
  readonly deadlines?: Partial<DaemonDeadlines>;
  /** Time between cycles of the loop. @default 120_000 */
  readonly intervalMs?: number;
  /** A cycle's budget for checks (`--cycle-budget`); `0` or absent: none. */
  readonly cycleBudgetMs?: number;
  /** Problems met while reading the applications or secrets folders, or `registries.conf`. */
  readonly onWarning?: (message: string, fields: Readonly<Record<string, string | number | undefined>>) => void;
  /** Every git clone, fetch, ls-remote, commit and push, for trace logs. */
  readonly onGitOperation?: (event: GitOperationEvent) => void;
}

/** The engine as the daemon drives it: core's `Updater`, narrowed to what `run` uses. */
export interface DaemonUpdater {
  readonly events: TypedEmitter<UpdaterEvents>;
  /** Starts the loop: polling, the applications folder's watch, coalesced triggers. */
  start(): void;
  /** Runs one cycle over every matching application. Resolves with argocd-image-updater's counters. */
  runOnce(options?: RunOptions): Promise<CycleCounters>;
  /**
   * Checks only the applications watching these images now (`registry/repository`), each with the tag a
   * webhook announced as a hint; the registry is asked as usual. Coalesced with other triggers.
   */
  trigger?(images: readonly ImageTrigger[]): Promise<CycleCounters>;
  /** Aborts in-flight work and releases sockets, caches (saved to disk) and git locks. Idempotent. */
  dispose(): Promise<void>;
  /** Starts the leader election, in Kubernetes mode with `--leader-election`. */
  elect?(): LeaderElector | null;
  /** Kubernetes mode: the webhook secrets of the Secret `argocd-image-updater-secret`, kept fresh. */
  followWebhookSecrets?(onChange?: (types: readonly string[]) => void): Promise<WebhookSecretFeed>;
}

/**
 * Builds the engine for `config`. Throws `CONFIG_INVALID` for an invalid `registries.conf` and core's
 * `TEMPLATE_INVALID` for a malformed commit template (both fatal, as in argocd-image-updater).
 */
export async function createDaemonUpdater(config: DaemonConfig): Promise<DaemonUpdater> {
  const warn = config.onWarning ?? (() => {});
  const kubernetes = config.kubernetes
    ? createKubernetesAdapters(config.kubernetes, {
        matchApplicationNames: config.matchApplicationNames,
        matchApplicationLabel: config.matchApplicationLabel,
        onWarning: warn,
        ...(config.onKubeRequest ? { onKubeRequest: config.onKubeRequest } : {}),
      })
    : undefined;
  const adapters = kubernetes ?? directoryAdapters(config, warn);
  const { secrets, gitCredentials } = adapters;
  const registry = createConfiguredRegistry({
    registriesConf: config.registriesConf,
    cacheDir: config.cacheDir,
    ...(config.metadataCacheEntries
      ? { policies: { metadataCache: { maxEntries: config.metadataCacheEntries } } }
      : {}),
    onWarning: (message) => warn(message, {}),
    ...(secrets ? { secrets } : {}),
    // ext: scripts never see the pull-request token.
    hiddenVariables: [PULL_REQUEST_TOKEN_ENV],
    ...(config.deadlines?.registryTimeoutMs ? { timeoutMs: config.deadlines.registryTimeoutMs } : {}),
    ...(config.deadlines?.registryStallTimeoutMs ? { stallTimeoutMs: config.deadlines.registryStallTimeoutMs } : {}),
  });
  const updater = createUpdater({
    source: adapters.source,
    registry: registry.client,
    endpoints: registry.endpoints,
    git: createCliGitWriter({
      cacheDir: join(config.cacheDir, "git"),
      ...(config.deadlines?.gitTimeoutMs ? { timeoutMs: config.deadlines.gitTimeoutMs } : {}),
      ...(config.deadlines?.gitStallTimeoutMs ? { stallTimeoutMs: config.deadlines.gitStallTimeoutMs } : {}),
      // The cycle fetched the mirror moments ago to read the live images; a remote that moved since is
      // caught by the push (rejected, then fetched and rebuilt), so a second fetch only adds latency.
      fetchReuseMs: 5_000,
      ...(config.onGitOperation ? { onOperation: config.onGitOperation } : {}),
    }),
    applicationWriter: adapters.applicationWriter,
    ...(kubernetes ? { configResolver: kubernetes.configResolver } : {}),
    ...(secrets ? { secrets } : {}),
    ...(gitCredentials
      ? {
          gitCredentials: async (request) => {
            const credentials = await gitCredentials.resolve(request.source, request.repoUrl);
            if (credentials?.kind === "ssh" && credentials.knownHosts === undefined && config.sshKnownHosts) {
              return { ...credentials, knownHosts: config.sshKnownHosts };
            }
            return credentials ?? undefined;
          },
        }
      : {}),
    commit: {
      author: { name: config.git.user, email: config.git.email },
      ...(config.commitMessageTemplate === null ? {} : { messageTemplate: config.commitMessageTemplate }),
      signOff: config.git.signOff,
      ...(config.git.signingKey ? { signing: { method: config.git.signingMethod, key: config.git.signingKey } } : {}),
    },
    ...(config.pullRequests ? { pullRequests: createPullRequestProvider(config.pullRequests) } : {}),
    dryRun: config.dryRun,
    maxConcurrency: config.maxConcurrency,
    intervalMs: config.intervalMs ?? 120_000,
    ...(config.cycleBudgetMs ? { cycleBudgetMs: config.cycleBudgetMs } : {}),
    matchApplicationName: config.matchApplicationNames,
    ...(config.matchApplicationLabel === null ? {} : { matchApplicationLabel: config.matchApplicationLabel }),
    argocdNamespace: config.argocdNamespace,
  });
  kubernetes?.observe(updater);
  return {
    events: updater,
    start: () => updater.start(),
    runOnce: (options) => updater.runOnce(options ?? {}),
    trigger: (images) => updater.trigger(images),
    dispose: () => updater.dispose(),
    ...(kubernetes ? { elect: kubernetes.elect, followWebhookSecrets: kubernetes.followWebhookSecrets } : {}),
  };
}

/** The directory mode's adapters: Applications, Secrets and the `argocd` write-back in folders of manifests. */
function directoryAdapters(config: DaemonConfig, warn: NonNullable<DaemonConfig["onWarning"]>) {
  const where = { dir: config.applicationsDir ?? "", defaultNamespace: config.argocdNamespace };
  const secretsAt = config.secretsDir ? { dir: config.secretsDir, defaultNamespace: config.argocdNamespace } : null;
  return {
    secrets: secretsAt
      ? createDirectorySecretResolver({
          ...secretsAt,
          onWarning: (w) => warn(`secrets folder: ${w.message}`, { file: w.file, line: w.line }),
        })
      : undefined,
    gitCredentials: secretsAt ? createDirectoryGitCredentials(secretsAt) : undefined,
    source: createDirectorySource({
      ...where,
      onWarning: (w) => warn(`applications folder: ${w.message}`, { file: w.file, line: w.line }),
    }),
    applicationWriter: createDirectoryApplicationWriter(where),
  };
}
