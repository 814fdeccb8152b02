import { homedir } from "node:os";
import { join } from "node:path";
import { compileGlob, formatGoDuration, parseGoDuration, parseLabelSelectorText } from "@image-updater/core";
import type { FlagSpec, ParsedFlags } from "../cli/parse-flags.js";
import { parseBoolean } from "../cli/parse-flags.js";
import {
  KUBERNETES_FLAGS,
  type KubernetesRunOptions,
  resolveKubernetesOptions,
} from "../kubernetes/kubernetes-options.js";

/** Log levels, lowest first, as argocd-image-updater names them. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = "text" | "json";

/** Everything `run` needs, resolved from flags, environment, the config folder and defaults. */
export interface RunCommandOptions {
  /** Milliseconds between cycles; 0 runs one cycle and exits. */
  readonly intervalMs: number;
  readonly once: boolean;
  /** Time a cycle may spend checking applications before the rest waits for the next cycle; 0: none. */
  readonly cycleBudgetMs: number;
  readonly dryRun: boolean;
  readonly maxConcurrency: number;
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

/** The `run` flags, names as argocd-image-updater spells them. */
export const RUN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  interval: {
    type: "string",
    placeholder: "DURATION",
    help: "time between cycles, Go syntax (2m, 1h30m); 0 runs once [IMAGE_UPDATER_INTERVAL] (default 2m)",
  },
  once: { type: "boolean", help: "run one cycle and exit (health and metrics servers off unless a port is given)" },
  "cycle-budget": {
    type: "string",
    placeholder: "DURATION",
    help: "time a cycle may spend checking; applications left are checked first next cycle, 0 = none [IMAGE_UPDATER_CYCLE_BUDGET] (default 0)",
  },
  "dry-run": { type: "boolean", help: "decide, log and count, but write nothing" },
  "max-concurrency": {
    type: "string",
    placeholder: "N",
    help: "applications checked in parallel, 1..100 [MAX_CONCURRENT_APPS] (default 10)",
  },
  "max-concurrent-apps": { type: "string", placeholder: "N", help: "same as --max-concurrency (newer name)" },
  "registries-conf-path": {
    type: "string",
    placeholder: "PATH",
    help: "registries.conf to use (default /app/config/registries.conf)",
  },
  "git-commit-user": {
    type: "string",
    placeholder: "NAME",
    help: "commit author name [GIT_COMMIT_USER] (default argocd-image-updater)",
  },
  "git-commit-email": {
    type: "string",
    placeholder: "EMAIL",
    help: "commit author email [GIT_COMMIT_EMAIL] (default noreply@argoproj.io)",
  },
  "git-commit-signing-key": {
    type: "string",
    placeholder: "KEY",
    help: "GPG key id, or SSH private key path, to sign commits [GIT_COMMIT_SIGNING_KEY]",
  },
  "git-commit-signing-method": {
    type: "string",
    placeholder: "METHOD",
    help: "openpgp or ssh [GIT_COMMIT_SIGNING_METHOD] (default openpgp)",
  },
  "git-commit-sign-off": { type: "boolean", help: "add a Signed-off-by trailer [GIT_COMMIT_SIGN_OFF]" },
  "git-commit-message-path": {
    type: "string",
    placeholder: "PATH",
    help: "commit message template (default /app/config/commit.template)",
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
  loglevel: {
    type: "string",
    placeholder: "LEVEL",
    help: "trace, debug, info, warn or error [IMAGE_UPDATER_LOGLEVEL] (default info)",
  },
  logformat: { type: "string", placeholder: "FORMAT", help: "text or json [IMAGE_UPDATER_LOGFORMAT] (default text)" },
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
    help: `open a pull request for each write branch: github, gitlab, gitea or webhook [PULL_REQUEST_PROVIDER]; token in ${"$"}PULL_REQUEST_TOKEN`,
  },
  "pull-request-api-url": {
    type: "string",
    placeholder: "URL",
    help: "API base of a self-hosted GitHub, GitLab or Gitea [PULL_REQUEST_API_URL]",
  },
  "pull-request-webhook-url": {
    type: "string",
    placeholder: "URL",
    help: "endpoint the webhook provider POSTs to [PULL_REQUEST_WEBHOOK_URL]",
  },
  "applications-dir": {
    type: "string",
    placeholder: "DIR",
    help: "folder of Argo CD Application manifests [IMAGE_UPDATER_APPLICATIONS_DIR]",
  },
  "secrets-dir": {
    type: "string",
    placeholder: "DIR",
    help: "folder of Secret manifests for secret:/pullsecret: references [IMAGE_UPDATER_SECRETS_DIR]",
  },
  "config-dir": {
    type: "string",
    placeholder: "DIR",
    help: "mounted argocd-image-updater-config ConfigMap (git.user, registries.conf, …) [IMAGE_UPDATER_CONFIG_DIR]",
  },
  "cache-dir": {
    type: "string",
    placeholder: "DIR",
    help: "image metadata and git mirrors [IMAGE_UPDATER_CACHE_DIR] (default $XDG_CACHE_HOME/image-updater)",
  },
  "argocd-namespace": {
    type: "string",
    placeholder: "NS",
    help: "namespace of manifests that state none [ARGOCD_NAMESPACE] (default argocd)",
  },
  "ssh-known-hosts-path": {
    type: "string",
    placeholder: "PATH",
    help: "known_hosts for SSH git remotes [SSH_KNOWN_HOSTS] (default /app/config/ssh/ssh_known_hosts if present, else the system's)",
  },
  "warmup-cache": { type: "boolean", help: "accepted for compatibility; the metadata cache is kept on disk instead" },
  ...KUBERNETES_FLAGS,
};

const DEFAULT_REGISTRIES_CONF = "/app/config/registries.conf";
const DEFAULT_COMMIT_TEMPLATE = "/app/config/commit.template";
const DEFAULT_SSH_KNOWN_HOSTS = "/app/config/ssh/ssh_known_hosts";

/** Where a value came from, for error messages. */
interface Origin {
  readonly value: string;
  readonly where: string;
}

/** Inputs of {@link resolveRunOptions}. */
export interface RunOptionInputs {
  readonly flags: ParsedFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Keys of the config folder (see `readConfigDir`), empty when none. */
  readonly configDir: Readonly<Record<string, string>>;
  readonly configDirPath: string | null;
  /** Whether a default file exists (injected for tests). */
  readonly fileExists: (path: string) => boolean;
}

/**
 * Resolves `run` options: flags win over environment variables, which win over the config folder, which
 * wins over defaults. Never throws: every invalid value becomes one error naming where it came from and what
 * to write instead.
 */
export function resolveRunOptions(inputs: RunOptionInputs): { options: RunCommandOptions; errors: string[] } {
  const { flags, env, configDir } = inputs;
  const errors: string[] = [];
  const configWhere = (key: string) => `key ${key} of the config folder ${inputs.configDirPath ?? ""}`.trim();

  function lookup(flag: string, envName?: string, ...configKeys: string[]): Origin | null {
    const fromFlag = flags.values[flag];
    if (typeof fromFlag === "string") return { value: fromFlag, where: `--${flag}` };
    if (typeof fromFlag === "boolean") return { value: String(fromFlag), where: `--${flag}` };
    if (envName !== undefined) {
      const fromEnv = env[envName];
      if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, where: `environment variable ${envName}` };
    }
    for (const key of configKeys) {
      const fromConfig = configDir[key];
      if (fromConfig !== undefined) return { value: fromConfig.trim(), where: configWhere(key) };
    }
    return null;
  }

  function invalid(origin: Origin, expected: string): void {
    errors.push(`invalid value "${origin.value}" for ${origin.where}: ${expected}`);
  }

  function bool(flag: string, envName?: string, ...keys: string[]): boolean {
    const origin = lookup(flag, envName, ...keys);
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

  function text(flag: string, envName?: string, ...keys: string[]): string | null {
    return lookup(flag, envName, ...keys)?.value ?? null;
  }

  function pullRequestOptions(): PullRequestOptions | null {
    const origin = lookup("pull-request-provider", "PULL_REQUEST_PROVIDER", "pull-request.provider");
    if (!origin) return null;
    const providers = ["github", "gitlab", "gitea", "webhook"] as const;
    const provider = providers.find((name) => name === origin.value.toLowerCase());
    if (provider === undefined) {
      invalid(origin, `write one of ${providers.join(", ")}`);
      return null;
    }
    const apiUrl = text("pull-request-api-url", "PULL_REQUEST_API_URL", "pull-request.api-url");
    const webhookUrl = text("pull-request-webhook-url", "PULL_REQUEST_WEBHOOK_URL", "pull-request.webhook-url");
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
  const intervalOrigin = lookup("interval", "IMAGE_UPDATER_INTERVAL", "interval");
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
  const budgetOrigin = lookup("cycle-budget", "IMAGE_UPDATER_CYCLE_BUDGET", "cycle-budget");
  if (budgetOrigin) {
    const parsed = parseGoDuration(budgetOrigin.value);
    if (parsed === undefined || parsed < 0) {
      invalid(budgetOrigin, "write a duration with a unit, e.g. 5m, 90s (0 means no budget); default 0");
    } else cycleBudgetMs = parsed;
  }

  let maxConcurrency = 10;
  const concurrencyOrigin =
    lookup("max-concurrency") ?? lookup("max-concurrent-apps", "MAX_CONCURRENT_APPS", "max_concurrent_apps");
  if (concurrencyOrigin) {
    const value = Number(concurrencyOrigin.value);
    if (!/^\d+$/.test(concurrencyOrigin.value) || value < 1 || value > 100) {
      invalid(concurrencyOrigin, "write a whole number from 1 to 100");
    } else maxConcurrency = value;
  }

  const registriesFlag = text("registries-conf-path");
  const registriesFromConfig = configDir["registries.conf"];
  const registriesConfPath =
    registriesFlag ??
    (registriesFromConfig !== undefined
      ? null
      : inputs.fileExists(DEFAULT_REGISTRIES_CONF)
        ? DEFAULT_REGISTRIES_CONF
        : null);

  const messageFlag = text("git-commit-message-path", "GIT_COMMIT_MESSAGE_PATH");
  const messageFromConfig = configDir["git.commit-message-template"];
  const messagePath =
    messageFlag ??
    (messageFromConfig !== undefined
      ? null
      : inputs.fileExists(DEFAULT_COMMIT_TEMPLATE)
        ? DEFAULT_COMMIT_TEMPLATE
        : null);

  const knownHostsFlag = text("ssh-known-hosts-path", "SSH_KNOWN_HOSTS");
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

  const explicitPorts = flags.values["health-port"] !== undefined || flags.values["metrics-port"] !== undefined;
  const serversOff = once && !explicitPorts;
  const xdgCache =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), ".cache");

  const argocdNamespace = text("argocd-namespace", "ARGOCD_NAMESPACE", "argocd.namespace") ?? "argocd";
  const options: RunCommandOptions = {
    intervalMs,
    cycleBudgetMs,
    once: once || intervalMs === 0,
    dryRun: bool("dry-run"),
    maxConcurrency,
    registriesConfPath,
    registriesConfText: registriesFlag === null ? (registriesFromConfig ?? null) : null,
    registriesConfExplicit: registriesFlag !== null,
    git: {
      user: text("git-commit-user", "GIT_COMMIT_USER", "git.user") ?? "argocd-image-updater",
      email: text("git-commit-email", "GIT_COMMIT_EMAIL", "git.email") ?? "noreply@argoproj.io",
      signingKey: text(
        "git-commit-signing-key",
        "GIT_COMMIT_SIGNING_KEY",
        "git.commit-signing-key",
        "git.commit-sign-key",
      ),
      signingMethod: choice(
        lookup("git-commit-signing-method", "GIT_COMMIT_SIGNING_METHOD", "git.commit-signing-method"),
        ["openpgp", "ssh"] as const,
        "openpgp",
      ),
      signOff: bool("git-commit-sign-off", "GIT_COMMIT_SIGN_OFF", "git.commit-sign-off"),
      messagePath,
      messageTemplateText: messageFlag === null ? (messageFromConfig ?? null) : null,
      messagePathExplicit: messageFlag !== null,
    },
    healthPort: serversOff ? port("health-port", null) : port("health-port", 8080),
    metricsPort: serversOff ? port("metrics-port", null) : port("metrics-port", 8081),
    logLevel: choice(lookup("loglevel", "IMAGE_UPDATER_LOGLEVEL", "log.level"), LOG_LEVELS, "info"),
    logFormat: choice(lookup("logformat", "IMAGE_UPDATER_LOGFORMAT", "log.format"), ["text", "json"] as const, "text"),
    matchApplicationNames: Array.isArray(names) ? names : [],
    matchApplicationLabel,
    applicationsDir: text("applications-dir", "IMAGE_UPDATER_APPLICATIONS_DIR"),
    kubernetes: resolveKubernetesOptions(text, env, argocdNamespace, errors),
    secretsDir: text("secrets-dir", "IMAGE_UPDATER_SECRETS_DIR"),
    configDir: inputs.configDirPath,
    cacheDir: text("cache-dir", "IMAGE_UPDATER_CACHE_DIR") ?? join(xdgCache, "image-updater"),
    argocdNamespace,
    sshKnownHostsPath: knownHostsFlag ?? (inputs.fileExists(DEFAULT_SSH_KNOWN_HOSTS) ? DEFAULT_SSH_KNOWN_HOSTS : null),
    sshKnownHostsExplicit: knownHostsFlag !== null,
    pullRequests: pullRequestOptions(),
    ignoredFlags: ["warmup-cache"].filter((f) => flags.values[f] !== undefined),
  };
  if (options.applicationsDir === null && options.kubernetes === null) {
    errors.push(
      "no applications: pass --kubeconfig FILE (or set KUBECONFIG, or run in a cluster) to read them from the Kubernetes API, or --applications-dir DIR (or IMAGE_UPDATER_APPLICATIONS_DIR) pointing at your Argo CD Application manifests",
    );
  }
  return { options, errors };
}
