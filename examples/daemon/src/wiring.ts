/**
 * The composition root: the only place that knows concrete adapters. It turns the daemon's resolved
 * configuration into a running engine (core's `createUpdater`) over the directory source, the registry
 * clients named by `registries.conf`, and the git CLI writer. An operator embedding the SDK can copy it.
 */
import { join } from "node:path";
import {
  type ApplicationEvent,
  type ApplicationSource,
  type ApplicationWriter,
  type CycleCounters,
  createUpdater,
  type GitWriter,
  hasErrors,
  ImageUpdaterError,
  type PullRequestProvider,
  parseTemplate,
  type RegistryRequestEvent,
  type RequestOptions,
  type SecretResolver,
  type Template,
  type TypedEmitter,
  type Updater,
  type UpdaterEvents,
} from "@image-updater/core";
import {
  createCliGitWriter,
  createGiteaPullRequestProvider,
  createGitHubPullRequestProvider,
  createGitLabPullRequestProvider,
  createWebhookPullRequestProvider,
  type GitOperationEvent,
} from "@image-updater/git-adapters";
import {
  createDirectoryApplicationWriter,
  createDirectoryGitCredentials,
  createDirectorySecretResolver,
  createDirectorySource,
  type GitCredentialsResolver,
  type KubeApiRequestEvent,
  type LeaderElector,
} from "@image-updater/k8s-source";
import type { PullRequestOptions } from "./config/run-options.js";
import { createKubernetesAdapters, type KubernetesAdapters } from "./kubernetes/kubernetes-adapters.js";
import type { KubernetesRunOptions } from "./kubernetes/kubernetes-options.js";
import { createDaemonRegistries, type DaemonRegistries, describeRegistriesConfDiagnostics } from "./registries.js";

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
  readonly matchApplicationNames: readonly string[];
  /** Where pull requests for write branches are opened; absent: none. */
  readonly pullRequests?: PullRequestOptions | null;
  /** Label selector text (`team=a,tier!=db`), or `null` for every application. */
  readonly matchApplicationLabel: string | null;
  /** Metadata cache and git mirrors live under it. */
  readonly cacheDir: string;
  /** Problems met while reading the applications or secrets folders, or `registries.conf`. */
  readonly onWarning?: (message: string, fields: Readonly<Record<string, string | number | undefined>>) => void;
  /** Every git clone, fetch, ls-remote, commit and push, for trace logs. */
  readonly onGitOperation?: (event: GitOperationEvent) => void;
}

/** The engine as the daemon drives it. */
export interface DaemonUpdater {
  readonly events: TypedEmitter<UpdaterEvents>;
  /** Runs one cycle over every matching application. Resolves with argocd-image-updater's counters. */
  runOnce(options?: RequestOptions): Promise<CycleCounters>;
  /** Releases sockets, caches and git locks. Idempotent. */
  dispose(): Promise<void>;
  /** Changes to the applications, when the source can watch; ends when `signal` aborts. */
  watchApplications?(signal: AbortSignal): AsyncIterable<ApplicationEvent>;
  /** Starts the leader election, in Kubernetes mode with `--leader-election`. */
  elect?(): LeaderElector | null;
}

/** The adapters the daemon hands to the engine. */
export interface DaemonAdapters {
  /** The applications folder (the engine applies the name globs and label selector). */
  readonly source: ApplicationSource;
  readonly secrets: SecretResolver | undefined;
  readonly registries: DaemonRegistries;
  readonly git: GitWriter;
  /** The `argocd` write-back: edits the Application's own manifest. */
  readonly applicationWriter: ApplicationWriter;
  /** Parsed commit message template; `undefined` means argocd-image-updater's default. */
  readonly commitTemplate: Template | undefined;
  /** Git credentials from the secrets folder: named Secrets and Argo CD repository Secrets. */
  readonly gitCredentials: GitCredentialsResolver | undefined;
  /** The API adapters, in Kubernetes mode. */
  readonly kubernetes?: KubernetesAdapters;
  dispose(): Promise<void>;
}

/**
 * Builds the adapters for `config`. Throws core's `TEMPLATE_INVALID` for a malformed commit template (fatal,
 * as in argocd-image-updater); `registries.conf` problems are reported through `onWarning` with their line.
 */
export function createDaemonAdapters(
  config: DaemonConfig,
  hooks: { readonly onRegistryRequest?: (event: RegistryRequestEvent) => void } = {},
): DaemonAdapters {
  const warn = config.onWarning ?? (() => {});
  const commitTemplate =
    config.commitMessageTemplate === null
      ? undefined
      : parseTemplate(config.commitMessageTemplate, { name: "commit-message" });
  const kubernetes = config.kubernetes
    ? createKubernetesAdapters(config.kubernetes, {
        matchApplicationNames: config.matchApplicationNames,
        matchApplicationLabel: config.matchApplicationLabel,
        onWarning: warn,
        ...(config.onKubeRequest ? { onKubeRequest: config.onKubeRequest } : {}),
      })
    : undefined;
  const directory = kubernetes ? undefined : directoryAdapters(config, warn);
  const secrets = kubernetes?.secrets ?? directory?.secrets;
  const source = (kubernetes?.source ?? directory?.source) as ApplicationSource;
  const registries = createDaemonRegistries({
    registriesConf: config.registriesConf,
    ...(secrets ? { secrets } : {}),
    cacheDir: config.cacheDir,
    onWarning: (message) => warn(message, {}),
    ...(hooks.onRegistryRequest ? { onRegistryRequest: hooks.onRegistryRequest } : {}),
  });
  const problems = describeRegistriesConfDiagnostics(registries.diagnostics);
  if (hasErrors(registries.diagnostics)) {
    void registries.dispose();
    // argocd-image-updater refuses to start on an invalid registries.conf; so do we, saying every problem.
    throw new ImageUpdaterError("CONFIG_INVALID", `invalid registries.conf: ${problems.join("; ")}`);
  }
  for (const problem of problems) warn(problem, {});
  const git = createCliGitWriter({
    cacheDir: join(config.cacheDir, "git"),
    ...(config.onGitOperation ? { onOperation: config.onGitOperation } : {}),
  });
  const applicationWriter = (kubernetes?.applicationWriter ?? directory?.applicationWriter) as ApplicationWriter;
  const gitCredentials = kubernetes?.gitCredentials ?? directory?.gitCredentials;
  return {
    ...(kubernetes ? { kubernetes } : {}),
    source,
    secrets,
    registries,
    git,
    applicationWriter,
    commitTemplate,
    gitCredentials,
    async dispose() {
      await registries.dispose();
      await git.dispose?.();
    },
  };
}

/** The directory mode's adapters: Applications, Secrets and the `argocd` write-back in folders of manifests. */
function directoryAdapters(config: DaemonConfig, warn: NonNullable<DaemonConfig["onWarning"]>) {
  const dir = config.applicationsDir ?? "";
  const secrets = config.secretsDir
    ? createDirectorySecretResolver({
        dir: config.secretsDir,
        defaultNamespace: config.argocdNamespace,
        onWarning: (w) => warn(`secrets folder: ${w.message}`, { file: w.file, line: w.line }),
      })
    : undefined;
  return {
    secrets,
    source: createDirectorySource({
      dir,
      defaultNamespace: config.argocdNamespace,
      onWarning: (w) => warn(`applications folder: ${w.message}`, { file: w.file, line: w.line }),
    }),
    applicationWriter: createDirectoryApplicationWriter({ dir, defaultNamespace: config.argocdNamespace }),
    gitCredentials: config.secretsDir
      ? createDirectoryGitCredentials({ dir: config.secretsDir, defaultNamespace: config.argocdNamespace })
      : undefined,
  };
}

/** The provider `--pull-request-provider` names, with the token from the environment. */
export function createPullRequestProvider(options: PullRequestOptions): PullRequestProvider {
  const token = options.token ?? "";
  const apiUrl = options.apiUrl === null ? {} : { apiUrl: options.apiUrl };
  switch (options.provider) {
    case "github":
      return createGitHubPullRequestProvider({ token, ...apiUrl });
    case "gitlab":
      return createGitLabPullRequestProvider({ token, ...apiUrl });
    case "gitea":
      return createGiteaPullRequestProvider({ token, ...apiUrl });
    case "webhook":
      return createWebhookPullRequestProvider({
        url: options.webhookUrl ?? "",
        ...(token === "" ? {} : { headers: { authorization: token } }),
      });
  }
}

async function* emptyIterable(): AsyncIterable<ApplicationEvent> {}

/** Builds the engine for `config`: core's `createUpdater` over {@link createDaemonAdapters}. */
export async function createDaemonUpdater(config: DaemonConfig): Promise<DaemonUpdater> {
  let updater: Updater | undefined;
  // Registry calls happen below the engine; they join its event stream so logs and metrics see one source.
  const adapters = createDaemonAdapters(config, {
    onRegistryRequest: (event) => updater?.emit("registry:request", event),
  });
  const { gitCredentials } = adapters;
  updater = createUpdater({
    source: adapters.source,
    registry: adapters.registries.client,
    endpoints: adapters.registries.endpoints,
    git: adapters.git,
    applicationWriter: adapters.applicationWriter,
    ...(adapters.secrets ? { secrets: adapters.secrets } : {}),
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
    matchApplicationName: config.matchApplicationNames,
    ...(config.matchApplicationLabel === null ? {} : { matchApplicationLabel: config.matchApplicationLabel }),
    argocdNamespace: config.argocdNamespace,
  });
  const engine = updater;
  adapters.kubernetes?.recordEvents(engine);
  let disposed = false;
  return {
    events: engine,
    runOnce: (options) => engine.runOnce(options ?? {}),
    ...(adapters.source.watch
      ? { watchApplications: (signal: AbortSignal) => adapters.source.watch?.({ signal }) ?? emptyIterable() }
      : {}),
    ...(adapters.kubernetes ? { elect: adapters.kubernetes.elect } : {}),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await engine.dispose();
      await adapters.dispose();
    },
  };
}
