import { homedir } from "node:os";
import { join } from "node:path";
import {
  compileGlob,
  DEFAULT_PUSH_RETRIES_PER_GROUP,
  formatGoDuration,
  parseGoDuration,
  parseLabelSelectorText,
} from "@image-updater/core";
import type { FlagSpec } from "../cli/parse-flags.js";
import { parseBoolean } from "../cli/parse-flags.js";
import {
  KUBERNETES_FLAGS,
  type KubernetesRunOptions,
  resolveKubernetesOptions,
} from "../kubernetes/kubernetes-options.js";
import { RUN_WEBHOOK_FLAGS, resolveWebhookOptions, type WebhookOptions } from "../webhook/webhook-options.js";
import { compatibilityWarnings } from "./compat-warnings.js";
import { PEER_CONFIG_FILES, PEER_ENV_ONLY, PEER_RUN_FLAGS } from "./peer-flags.js";
import { type SettingOrigin as Origin, type SettingSources, settingOrigin } from "./setting-origin.js";

/** Log levels, lowest first, as argocd-image-updater names them. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = "text" | "json";

/** Deadlines of network work (`--git-timeout`, `--git-stall-timeout`, `--registry-timeout`, `--registry-stall-timeout`). */
export interface DaemonDeadlines {
  readonly gitTimeoutMs: number | null;
  readonly gitStallTimeoutMs: number | null;
  readonly registryTimeoutMs: number | null;
  readonly registryStallTimeoutMs: number | null;
}

/** Everything `run` needs, resolved from flags, environment, the config folder and defaults. */
export interface RunCommandOptions {
  /** Milliseconds between cycles; 0 runs one cycle and exits. */
  readonly intervalMs: number;
  readonly once: boolean;
  /** Time a cycle may spend checking applications before the rest waits for the next cycle; 0: none. */
  readonly cycleBudgetMs: number;
  /** Push retries per (repository, branch) written, pooled over a cycle (`--git-push-retries`). */
  readonly pushRetriesPerGroup: number;
  readonly dryRun: boolean;
  readonly maxConcurrency: number;
  /** Image metadata entries held in memory; the rest stays in the cache directory. */
  readonly metadataCacheEntries: number;
  /** Path of `registries.conf` to read, or `null` when the config folder supplies the text (or none exists). */
  readonly registriesConfPath: string | null;
  /** `registries.conf` text from the config folder, when no path flag overrides it. */
  readonly registriesConfText: string | null;
  /** True when the path came from a flag: a missing file is then an error, not a fallback. */
  readonly registriesConfExplicit: boolean;
  readonly git: {
    readonly user: string;
    readonly email: string;
    readonly signingKey: string | null;
    readonly signingMethod: "openpgp" | "ssh";
    readonly signOff: boolean;
    /** Commit message template file, or `null` when the config folder supplies the text. */
    readonly messagePath: string | null;
    readonly messageTemplateText: string | null;
    readonly messagePathExplicit: boolean;
  };
  /** Port of `/healthz` and `/readyz`; 0 picks a free port; `null` disables. */
  readonly healthPort: number | null;
  /** Deadlines of network work; each `null` keeps the adapter's default. */
  readonly deadlines: DaemonDeadlines;
  /** Address the health server binds (`--health-probe-bind-address`); `null`: every interface. */
  readonly healthHost: string | null;
  /** Address the metrics server binds (`--metrics-bind-address`); `null`: every interface. */
  readonly metricsHost: string | null;
  /** Port of `/metrics`; 0 picks a free port; `null` disables. */
  readonly metricsPort: number | null;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly matchApplicationNames: readonly string[];
  /** Label selector text, validated (`team=a,tier!=db`). */
  readonly matchApplicationLabel: string | null;
  readonly applicationsDir: string | null;
  /** Kubernetes mode (no applications folder, an API configured); `null` in directory mode. */
  readonly kubernetes: KubernetesRunOptions | null;
  readonly secretsDir: string | null;
  readonly configDir: string | null;
  readonly cacheDir: string;
  readonly argocdNamespace: string;
  /** known_hosts file for SSH remotes, `null` for the system's. */
  readonly sshKnownHostsPath: string | null;
  readonly sshKnownHostsExplicit: boolean;
  /** Where pull requests for write branches (`git:branch`) are opened; `null`: no pull requests. */
  readonly pullRequests: PullRequestOptions | null;
  /** Flags accepted for compatibility that change nothing here. */
  readonly ignoredFlags: readonly string[];
  /** The registry webhook receiver (`--enable-webhook`). */
  readonly webhook: WebhookOptions;
}

/** Pull-request settings. The token is read from `PULL_REQUEST_TOKEN` only, never from a flag. */
export interface PullRequestOptions {
  readonly provider: "github" | "gitlab" | "gitea" | "webhook";
  /** API base for self-hosted GitHub, GitLab or Gitea; `null` for the provider's default. */
  readonly apiUrl: string | null;
  /** Endpoint of the `webhook` provider. */
  readonly webhookUrl: string | null;
  /** From `PULL_REQUEST_TOKEN`; a secret: never logged. For the webhook it becomes the Authorization header. */
  readonly token: string | null;
}

/** Environment variable holding the pull-request API token (or the webhook's Authorization header value). */
export const PULL_REQUEST_TOKEN_ENV = "PULL_REQUEST_TOKEN";

/** The `run` flags this daemon acts on, names (and variables, ConfigMap keys) as argocd-image-updater spells them. */
const OWN_RUN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  interval: {
    type: "string",
    placeholder: "DURATION",
    help: "time between cycles, Go syntax (2m, 1h30m); 0 runs once (default 2m)",
    env: "IMAGE_UPDATER_INTERVAL",
    configKeys: ["interval"],
  },
  once: { type: "boolean", help: "run one cycle and exit (health and metrics servers off unless a port is given)" },
  "cycle-budget": {
    type: "string",
    placeholder: "DURATION",
    help: "time a cycle may spend checking; applications left are checked first next cycle, 0 = none (default 0)",
    env: "IMAGE_UPDATER_CYCLE_BUDGET",
    configKeys: ["cycle-budget"],
  },
  "dry-run": { type: "boolean", help: "decide, log and count, but write nothing" },
  "max-concurrency": {
    type: "string",
    placeholder: "N",
    help: "applications checked in parallel, 1..100 (default 10)",
  },
  "max-concurrent-apps": {
    type: "string",
    placeholder: "N",
    help: "same as --max-concurrency (current release's name)",
    env: "MAX_CONCURRENT_APPS",
    configKeys: ["max_concurrent_apps"],
  },
  "metadata-cache-entries": {
    type: "string",
    placeholder: "N",
    help: "image metadata entries kept in memory; the rest is read from --cache-dir (default 10000)",
    env: "IMAGE_UPDATER_METADATA_CACHE_ENTRIES",
  },
  "registries-conf-path": {
    type: "string",
    placeholder: "PATH",
    help: "registries.conf to use (default /app/config/registries.conf, skipped with a warning when absent)",
  },
  "git-commit-user": {
    type: "string",
    placeholder: "NAME",
    help: "commit author name (default argocd-image-updater)",
    env: "GIT_COMMIT_USER",
    configKeys: ["git.user"],
  },
  "git-commit-email": {
    type: "string",
    placeholder: "EMAIL",
    help: "commit author email (default noreply@argoproj.io)",
    env: "GIT_COMMIT_EMAIL",
    configKeys: ["git.email"],
  },
  "git-commit-signing-key": {
    type: "string",
    placeholder: "KEY",
    help: "GPG key id or key file, or SSH private key path, to sign commits",
    env: "GIT_COMMIT_SIGNING_KEY",
    configKeys: ["git.commit-signing-key", "git.commit-sign-key"],
  },
  "git-commit-signing-method": {
    type: "string",
    placeholder: "METHOD",
    help: "openpgp or ssh (default openpgp)",
    env: "GIT_COMMIT_SIGNING_METHOD",
    configKeys: ["git.commit-signing-method"],
  },
  "git-commit-sign-off": {
    type: "boolean",
    help: "add a Signed-off-by trailer",
    env: "GIT_COMMIT_SIGN_OFF",
    configKeys: ["git.commit-sign-off"],
  },
  "git-commit-message-path": {
    type: "string",
    placeholder: "PATH",
    help: "commit message template (default /app/config/commit.template, skipped with a warning when absent)",
    env: "GIT_COMMIT_MESSAGE_PATH",
  },
  "git-commit-method": {
    type: "string",
    placeholder: "METHOD",
    help: "git (the only method here; api is accepted with a warning)",
    env: "GIT_COMMIT_METHOD",
  },
  "health-port": {
    type: "string",
    placeholder: "PORT",
    help: "port of /healthz and /readyz; 0 = any free port, off = disabled (default 8080)",
  },
  "metrics-port": {
    type: "string",
    placeholder: "PORT",
    help: "port of /metrics; 0 = any free port, off = disabled (default 8081)",
  },
  "git-timeout": {
    type: "string",
    placeholder: "DURATION",
    help: "deadline of one git fetch, push or ls-remote (default 5m)",
    env: "IMAGE_UPDATER_GIT_TIMEOUT",
  },
  "git-push-retries": {
    type: "string",
    placeholder: "N",
    help: "push retries a cycle grants per repository and branch it writes, pooled over the cycle; 0 = none (default 2)",
    env: "IMAGE_UPDATER_GIT_PUSH_RETRIES",
    configKeys: ["git.push-retries"],
  },
  "git-stall-timeout": {
    type: "string",
    placeholder: "DURATION",
    help: "a git transfer silent this long is cut (default 30s)",
    env: "IMAGE_UPDATER_GIT_STALL_TIMEOUT",
  },
  "registry-timeout": {
    type: "string",
    placeholder: "DURATION",
    help: "deadline of one registry request; registries.conf `timeout` wins (default 30s)",
    env: "IMAGE_UPDATER_REGISTRY_TIMEOUT",
  },
  "registry-stall-timeout": {
    type: "string",
    placeholder: "DURATION",
    help: "a registry silent this long is cut (default 15s)",
    env: "IMAGE_UPDATER_REGISTRY_STALL_TIMEOUT",
  },
  "health-probe-bind-address": {
    type: "string",
    placeholder: "[HOST]:PORT",
    help: "address of /healthz and /readyz, e.g. 127.0.0.1:8080 or :8080; overrides --health-port",
  },
  "metrics-bind-address": {
    type: "string",
    placeholder: "[HOST]:PORT",
    help: "address of /metrics, e.g. 127.0.0.1:8081 or :8081, 0 = disabled; overrides --metrics-port",
  },
  loglevel: {
    type: "string",
    placeholder: "LEVEL",
    help: "trace, debug, info, warn or error (default info)",
    env: "IMAGE_UPDATER_LOGLEVEL",
    configKeys: ["log.level"],
  },
  logformat: {
    type: "string",
    placeholder: "FORMAT",
    help: "text or json (default text)",
    env: "IMAGE_UPDATER_LOGFORMAT",
    configKeys: ["log.format"],
  },
  "match-application-name": {
    type: "string",
    multiple: true,
    placeholder: "GLOB",
    help: "only applications whose name matches (repeatable)",
  },
  "match-application-label": {
    type: "string",
    placeholder: "SELECTOR",
    help: "only applications matching this label selector (app=web,tier!=db)",
  },
  "pull-request-provider": {
    type: "string",
    placeholder: "PROVIDER",
    help: `open a pull request for each write branch: github, gitlab, gitea or webhook; token in ${"$"}${PULL_REQUEST_TOKEN_ENV}`,
    env: "PULL_REQUEST_PROVIDER",
    configKeys: ["pull-request.provider"],
  },
  "pull-request-api-url": {
    type: "string",
    placeholder: "URL",
    help: "API base of a self-hosted GitHub, GitLab or Gitea",
    env: "PULL_REQUEST_API_URL",
    configKeys: ["pull-request.api-url"],
  },
  "pull-request-webhook-url": {
    type: "string",
    placeholder: "URL",
    help: "endpoint the webhook provider POSTs to",
    env: "PULL_REQUEST_WEBHOOK_URL",
    configKeys: ["pull-request.webhook-url"],
  },
  "applications-dir": {
    type: "string",
    placeholder: "DIR",
    help: "folder of Argo CD Application manifests",
    env: "IMAGE_UPDATER_APPLICATIONS_DIR",
  },
  "secrets-dir": {
    type: "string",
    placeholder: "DIR",
    help: "folder of Secret manifests for secret:/pullsecret: references",
    env: "IMAGE_UPDATER_SECRETS_DIR",
  },
  "config-dir": {
    type: "string",
    placeholder: "DIR",
    help: "mounted argocd-image-updater-config ConfigMap (git.user, registries.conf, …)",
    env: "IMAGE_UPDATER_CONFIG_DIR",
  },
  "cache-dir": {
    type: "string",
    placeholder: "DIR",
    help: "image metadata and git mirrors (default $XDG_CACHE_HOME/image-updater)",
    env: "IMAGE_UPDATER_CACHE_DIR",
  },
  "argocd-namespace": {
    type: "string",
    placeholder: "NS",
    help: "namespace of manifests that state none (default argocd)",
    env: "ARGOCD_NAMESPACE",
    configKeys: ["argocd.namespace"],
  },
  "ssh-known-hosts-path": {
    type: "string",
    placeholder: "PATH",
    help: "known_hosts for SSH git remotes (default /app/config/ssh/ssh_known_hosts if present, else the system's)",
    env: "SSH_KNOWN_HOSTS",
  },
  "warmup-cache": {
    type: "boolean",
    help: "warm the metadata cache before the first cycle (default true)",
    noEffect: "the metadata cache is kept on disk, so there is nothing to warm",
  },
  ...KUBERNETES_FLAGS,
  ...actingOnPeerFlags(RUN_WEBHOOK_FLAGS),
};

/** Flags this daemon acts on that argocd-image-updater has too: the peer's env names and config keys stay. */
function actingOnPeerFlags(specs: Readonly<Record<string, FlagSpec>>): Record<string, FlagSpec> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => {
      const { noEffect: _noEffect, ...peer } = PEER_RUN_FLAGS[name] ?? {};
      return [name, { ...peer, ...spec }];
    }),
  );
}

/**
 * Every `run` flag: this daemon's, then argocd-image-updater's that change nothing here (see
 * `peer-flags.ts`). A flag defined in {@link OWN_RUN_FLAGS} replaces the peer entry of the same name.
 */
export const RUN_FLAGS: Readonly<Record<string, FlagSpec>> = { ...PEER_RUN_FLAGS, ...OWN_RUN_FLAGS };

const DEFAULT_REGISTRIES_CONF = "/app/config/registries.conf";
const DEFAULT_COMMIT_TEMPLATE = "/app/config/commit.template";
const DEFAULT_SSH_KNOWN_HOSTS = "/app/config/ssh/ssh_known_hosts";

/** Inputs of {@link resolveRunOptions}. */
export interface RunOptionInputs extends SettingSources {
  /** Whether a default file exists (injected for tests). */
  readonly fileExists: (path: string) => boolean;
  /** Receiver defaults: off on 8082 for `run`, on 8080 for the `webhook` command. */
  readonly webhookDefaults?: { readonly enabled: boolean; readonly port: number };
}

/** Config-folder keys read as whole files rather than through a flag. */
const CONFIG_FILE_KEYS = { "registries.conf": null, "git.commit-message-template": null, ...PEER_CONFIG_FILES };

/** Environment variables read directly rather than through a flag. */
const DIRECT_ENV = { [PULL_REQUEST_TOKEN_ENV]: null, ...PEER_ENV_ONLY };

/**
 * Resolves `run` options: flags win over environment variables, which win over the config folder, which
 * wins over defaults. Never throws: every invalid value becomes one error naming where it came from and what
 * to write instead; accepted settings that change nothing, and unknown keys, become warnings.
 */
export function resolveRunOptions(inputs: RunOptionInputs): {
  options: RunCommandOptions;
  errors: string[];
  warnings: string[];
} {
  const { flags, env, configDir } = inputs;
  const errors: string[] = [];
  const warnings = compatibilityWarnings(RUN_FLAGS, inputs, { env: DIRECT_ENV, configKeys: CONFIG_FILE_KEYS });

  /** The flag's value from its sources; `envName` and `configKeys` replace the spec's names when given. */
  function lookup(flag: string, envName?: string, ...configKeys: string[]): Origin | null {
    const spec: FlagSpec = RUN_FLAGS[flag] ?? { type: "string", help: "" };
    const named = { ...spec, ...(envName ? { env: envName } : {}), ...(configKeys.length > 0 ? { configKeys } : {}) };
    return settingOrigin(flag, named, inputs);
  }

  function invalid(origin: Origin, expected: string): void {
    errors.push(`invalid value "${origin.value}" for ${origin.where}: ${expected}`);
  }

  function bool(flag: string, envName?: string, ...configKeys: string[]): boolean {
    const origin = lookup(flag, envName, ...configKeys);
    if (!origin) return false;
    const value = parseBoolean(origin.value);
    if (value === null) invalid(origin, "write true or false");
    return value ?? false;
  }

  function choice<T extends string>(origin: Origin | null, allowed: readonly T[], fallback: T): T {
    if (!origin) return fallback;
    const found = allowed.find((a) => a === origin.value.toLowerCase());
    if (found === undefined) invalid(origin, `write one of ${allowed.join(", ")}`);
    return found ?? fallback;
  }

  function port(flag: string, fallback: number | null): number | null {
    const origin = lookup(flag);
    if (!origin) return fallback;
    if (["off", "none", "-1"].includes(origin.value)) return null;
    const value = Number(origin.value);
    if (!/^\d+$/.test(origin.value) || value > 65535) {
      invalid(origin, "write a port number 1..65535, 0 for any free port, or off");
      return fallback;
    }
    return value;
  }

  /** `[host]:port` as controller-runtime writes it (`:8081`, `127.0.0.1:8081`, `[::1]:8081`); `0` is off. */
  function bindAddress(
    flag: string,
    fallback: { host: string | null; port: number | null },
  ): { host: string | null; port: number | null } {
    const origin = lookup(flag);
    if (!origin) return fallback;
    if (origin.value === "0") return { host: null, port: null };
    const match = /^(?:\[(?<v6>[0-9A-Fa-f:.]+)\]|(?<host>[^:[\]]*)):(?<port>\d{1,5})$/.exec(origin.value);
    const portNumber = Number(match?.groups?.port);
    if (!match?.groups || portNumber > 65535) {
      invalid(origin, "write [HOST]:PORT such as :8080, 127.0.0.1:8080 or [::1]:8080, or 0 to disable");
      return fallback;
    }
    const host = match.groups.v6 ?? match.groups.host ?? "";
    return { host: host === "" ? null : host, port: portNumber };
  }

  function positiveDuration(flag: string): number | null {
    const origin = lookup(flag);
    if (!origin) return null;
    const parsed = parseGoDuration(origin.value);
    if (parsed === undefined || parsed === null || parsed <= 0) {
      invalid(origin, "write a positive duration such as 30s or 2m");
      return null;
    }
    return parsed;
  }

  function text(flag: string, envName?: string, ...configKeys: string[]): string | null {
    return lookup(flag, envName, ...configKeys)?.value ?? null;
  }

  function pullRequestOptions(): PullRequestOptions | null {
    const origin = lookup("pull-request-provider");
    if (!origin) return null;
    const providers = ["github", "gitlab", "gitea", "webhook"] as const;
    const provider = providers.find((name) => name === origin.value.toLowerCase());
    if (provider === undefined) {
      invalid(origin, `write one of ${providers.join(", ")}`);
      return null;
    }
    const apiUrl = text("pull-request-api-url");
    const webhookUrl = text("pull-request-webhook-url");
    for (const [url, flag] of [
      [apiUrl, "--pull-request-api-url"],
      [webhookUrl, "--pull-request-webhook-url"],
    ] as const) {
      if (url !== null && !/^https?:\/\/[^\s/]+/.test(url))
        errors.push(`invalid value "${url}" for ${flag}: write an http(s) URL`);
    }
    if (provider === "webhook" && webhookUrl === null) {
      errors.push("--pull-request-provider webhook needs --pull-request-webhook-url URL (or PULL_REQUEST_WEBHOOK_URL)");
    }
    if (provider !== "webhook" && (env[PULL_REQUEST_TOKEN_ENV] ?? "") === "") {
      errors.push(
        `--pull-request-provider ${provider} needs an API token in the environment variable ${PULL_REQUEST_TOKEN_ENV}`,
      );
    }
    const token = env[PULL_REQUEST_TOKEN_ENV] ?? "";
    return { provider, apiUrl, webhookUrl, token: token === "" ? null : token };
  }

  const once = bool("once");
  let intervalMs = 120_000;
  const intervalOrigin = lookup("interval");
  if (intervalOrigin) {
    const parsed = parseGoDuration(intervalOrigin.value);
    if (parsed === undefined || parsed < 0) {
      invalid(
        intervalOrigin,
        `write a duration with a unit, e.g. 2m, 30s, 1h30m (0 runs once); default ${formatGoDuration(120_000)}`,
      );
    } else intervalMs = parsed;
  }
  if (once) intervalMs = 0;
  let cycleBudgetMs = 0;
  const budgetOrigin = lookup("cycle-budget");
  if (budgetOrigin) {
    const parsed = parseGoDuration(budgetOrigin.value);
    if (parsed === undefined || parsed < 0) {
      invalid(budgetOrigin, "write a duration with a unit, e.g. 5m, 90s (0 means no budget); default 0");
    } else cycleBudgetMs = parsed;
  }

  let maxConcurrency = 10;
  const concurrencyOrigin = lookup("max-concurrency") ?? lookup("max-concurrent-apps");
  if (concurrencyOrigin) {
    const value = Number(concurrencyOrigin.value);
    if (!/^\d+$/.test(concurrencyOrigin.value) || value < 1 || value > 100) {
      invalid(concurrencyOrigin, "write a whole number from 1 to 100");
    } else maxConcurrency = value;
  }

  let pushRetriesPerGroup = DEFAULT_PUSH_RETRIES_PER_GROUP;
  const retriesOrigin = lookup("git-push-retries");
  if (retriesOrigin) {
    if (!/^\d+$/.test(retriesOrigin.value)) {
      invalid(retriesOrigin, `write a whole number of retries, 0 or more (default ${DEFAULT_PUSH_RETRIES_PER_GROUP})`);
    } else pushRetriesPerGroup = Number(retriesOrigin.value);
  }

  let metadataCacheEntries = 10_000;
  const entriesOrigin = lookup("metadata-cache-entries");
  if (entriesOrigin) {
    const value = Number(entriesOrigin.value);
    if (!/^\d+$/.test(entriesOrigin.value) || value < 1) {
      invalid(entriesOrigin, "write a whole number of entries, at least 1 (default 10000)");
    } else metadataCacheEntries = value;
  }

  /** A file path from its flag, else none when the config folder has the text, else the default when it exists. */
  function defaultedFile(flag: string, configKey: string, fallback: string, what: string): string | null {
    const fromFlag = text(flag);
    if (fromFlag !== null) return fromFlag;
    if (configDir[configKey] !== undefined) return null;
    if (inputs.fileExists(fallback)) return fallback;
    warnings.push(`${what} at ${fallback} does not exist, using the default`);
    return null;
  }
  const registriesFlag = text("registries-conf-path");
  const registriesFromConfig = configDir["registries.conf"];
  const registriesConfPath = defaultedFile(
    "registries-conf-path",
    "registries.conf",
    DEFAULT_REGISTRIES_CONF,
    "registry configuration",
  );
  const messageFlag = text("git-commit-message-path");
  const messageFromConfig = configDir["git.commit-message-template"];
  const messagePath = defaultedFile(
    "git-commit-message-path",
    "git.commit-message-template",
    DEFAULT_COMMIT_TEMPLATE,
    "commit message template",
  );
  const commitMethod = choice(lookup("git-commit-method"), ["git", "api"] as const, "git");
  if (commitMethod === "api") {
    warnings.push("--git-commit-method api has no effect here: commits are made and pushed with git");
  }

  const knownHostsFlag = text("ssh-known-hosts-path");
  const names = flags.values["match-application-name"];
  for (const pattern of Array.isArray(names) ? names : []) {
    const compiled = compileGlob(pattern);
    if (!compiled.matches) {
      errors.push(
        `invalid value "${pattern}" for --match-application-name: ${compiled.error ?? "malformed glob"}; write a glob such as myapp-* or *-staging`,
      );
    }
  }
  let matchApplicationLabel: string | null = null;
  const labelOrigin = lookup("match-application-label");
  if (labelOrigin) {
    const parsed = parseLabelSelectorText(labelOrigin.value);
    if (typeof parsed === "string")
      errors.push(`invalid value "${labelOrigin.value}" for ${labelOrigin.where}: ${parsed}`);
    else matchApplicationLabel = labelOrigin.value;
  }

  // One cycle (--once, --interval 0) opens a port only when one is asked for, as argocd-image-updater's --once.
  const explicitPorts = ["health-port", "metrics-port", "health-probe-bind-address", "metrics-bind-address"].some(
    (name) => flags.values[name] !== undefined,
  );
  const serversOff = (once || intervalMs === 0) && !explicitPorts;
  const xdgCache =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), ".cache");

  const argocdNamespace = text("argocd-namespace") ?? "argocd";

  function servers() {
    const health = bindAddress("health-probe-bind-address", {
      host: null,
      port: serversOff ? port("health-port", null) : port("health-port", 8080),
    });
    const metrics = bindAddress("metrics-bind-address", {
      host: null,
      port: serversOff ? port("metrics-port", null) : port("metrics-port", 8081),
    });
    return { healthPort: health.port, healthHost: health.host, metricsPort: metrics.port, metricsHost: metrics.host };
  }

  const options: RunCommandOptions = {
    intervalMs,
    cycleBudgetMs,
    pushRetriesPerGroup,
    once: once || intervalMs === 0,
    dryRun: bool("dry-run"),
    maxConcurrency,
    metadataCacheEntries,
    registriesConfPath,
    registriesConfText: registriesFlag === null ? (registriesFromConfig ?? null) : null,
    registriesConfExplicit: registriesFlag !== null,
    git: {
      user: text("git-commit-user") ?? "argocd-image-updater",
      email: text("git-commit-email") ?? "noreply@argoproj.io",
      signingKey: text("git-commit-signing-key"),
      signingMethod: choice(lookup("git-commit-signing-method"), ["openpgp", "ssh"] as const, "openpgp"),
      signOff: bool("git-commit-sign-off"),
      messagePath,
      messageTemplateText: messageFlag === null ? (messageFromConfig ?? null) : null,
      messagePathExplicit: messageFlag !== null,
    },
    ...servers(),
    deadlines: {
      gitTimeoutMs: positiveDuration("git-timeout"),
      gitStallTimeoutMs: positiveDuration("git-stall-timeout"),
      registryTimeoutMs: positiveDuration("registry-timeout"),
      registryStallTimeoutMs: positiveDuration("registry-stall-timeout"),
    },
    logLevel: choice(lookup("loglevel"), LOG_LEVELS, "info"),
    logFormat: choice(lookup("logformat"), ["text", "json"] as const, "text"),
    matchApplicationNames: Array.isArray(names) ? names : [],
    matchApplicationLabel,
    applicationsDir: text("applications-dir"),
    kubernetes: resolveKubernetesOptions(lookup, env, argocdNamespace, errors),
    secretsDir: text("secrets-dir"),
    configDir: inputs.configDirPath,
    cacheDir: text("cache-dir") ?? join(xdgCache, "image-updater"),
    argocdNamespace,
    sshKnownHostsPath: knownHostsFlag ?? (inputs.fileExists(DEFAULT_SSH_KNOWN_HOSTS) ? DEFAULT_SSH_KNOWN_HOSTS : null),
    sshKnownHostsExplicit: knownHostsFlag !== null,
    pullRequests: pullRequestOptions(),
    ignoredFlags: Object.keys(RUN_FLAGS).filter((f) => RUN_FLAGS[f]?.noEffect && flags.values[f] !== undefined),
    webhook: resolveWebhookOptions(
      lookup,
      parseBoolean,
      errors,
      inputs.webhookDefaults ?? { enabled: false, port: 8082 },
    ),
  };
  if (options.applicationsDir === null && options.kubernetes === null) {
    errors.push(
      "no applications: pass --kubeconfig FILE (or set KUBECONFIG, or run in a cluster) to read them from the Kubernetes API, or --applications-dir DIR (or IMAGE_UPDATER_APPLICATIONS_DIR) pointing at your Argo CD Application manifests",
    );
  }
  return { options, errors, warnings };
}
