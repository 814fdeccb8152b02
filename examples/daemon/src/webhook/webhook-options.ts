/**
 * The webhook settings of `run` and `webhook`: argocd-image-updater's flag and environment names, plus
 * `--distribution-webhook-secret` for CNCF Distribution and GitLab senders.
 */
import type { WebhookSecrets, WebhookType } from "@image-updater/webhooks";
import type { FlagSpec } from "../cli/parse-flags.js";

/** Resolved webhook settings. Secrets are never logged. */
export interface WebhookOptions {
  /** `run --enable-webhook`; always true for the `webhook` command. */
  readonly enabled: boolean;
  /** 0 picks a free port. */
  readonly port: number;
  readonly secrets: WebhookSecrets;
  /** Refuse types with no secret. @default true */
  readonly requireSecret: boolean;
  /** Requests admitted per hour; 0 = unlimited. */
  readonly rateLimitPerHour: number;
}

/** Flag prefix and environment variable of each type's secret. */
export const WEBHOOK_SECRET_SETTINGS: Readonly<Record<WebhookType, { readonly flag: string; readonly env: string }>> = {
  "docker.io": { flag: "docker-webhook-secret", env: "DOCKER_WEBHOOK_SECRET" },
  "ghcr.io": { flag: "ghcr-webhook-secret", env: "GHCR_WEBHOOK_SECRET" },
  harbor: { flag: "harbor-webhook-secret", env: "HARBOR_WEBHOOK_SECRET" },
  "quay.io": { flag: "quay-webhook-secret", env: "QUAY_WEBHOOK_SECRET" },
  "aliyun-acr": { flag: "aliyun-acr-webhook-secret", env: "ALIYUN_ACR_WEBHOOK_SECRET" },
  acr: { flag: "acr-webhook-secret", env: "ACR_WEBHOOK_SECRET" },
  cloudevents: { flag: "cloudevents-webhook-secret", env: "CLOUDEVENTS_WEBHOOK_SECRET" },
  distribution: { flag: "distribution-webhook-secret", env: "DISTRIBUTION_WEBHOOK_SECRET" },
};

/** Key of each type's secret in the Secret `argocd-image-updater-secret` (`webhook.docker-secret`, …). */
export function webhookSecretKey(type: WebhookType): string {
  return `webhook.${WEBHOOK_SECRET_SETTINGS[type].flag.replace(/-webhook-secret$/, "")}-secret`;
}

/**
 * The secrets held by the data of the Secret `argocd-image-updater-secret` (keys `webhook.<type>-secret`),
 * for a Kubernetes source that reads it. Values already decoded from base64.
 */
export function webhookSecretsFromSecretData(data: Readonly<Record<string, string | undefined>>): WebhookSecrets {
  const secrets: Partial<Record<WebhookType, string>> = {};
  for (const type of Object.keys(WEBHOOK_SECRET_SETTINGS) as WebhookType[]) {
    const value = data[webhookSecretKey(type)]?.trim();
    if (value) secrets[type] = value;
  }
  return secrets;
}

/** Flags shared by `run` and `webhook`. */
export const WEBHOOK_SECRET_FLAGS: Readonly<Record<string, FlagSpec>> = {
  ...Object.fromEntries(
    Object.entries(WEBHOOK_SECRET_SETTINGS).map(([type, { flag, env }]) => [
      flag,
      { type: "string", placeholder: "SECRET", help: `secret ${type} webhooks must carry [${env}]` },
    ]),
  ),
  "webhook-require-secret": {
    type: "boolean",
    help: "refuse webhooks of types with no secret configured [WEBHOOK_REQUIRE_SECRET] (default true)",
  },
  "webhook-ratelimit-allowed": {
    type: "string",
    placeholder: "N",
    help: "webhook requests admitted per hour, 0 = unlimited; more get 429 [WEBHOOK_RATELIMIT_ALLOWED] (default 0)",
  },
};

/** The `run` flags that turn the receiver on. */
export const RUN_WEBHOOK_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "enable-webhook": { type: "boolean", help: "receive registry webhooks on --webhook-port [ENABLE_WEBHOOK]" },
  "webhook-port": {
    type: "string",
    placeholder: "PORT",
    help: "port of POST /webhook?type=TYPE, 0 = any free port [WEBHOOK_PORT] (default 8082)",
  },
  ...WEBHOOK_SECRET_FLAGS,
};

/** A setting as found: its text and where it came from, for error messages. */
export interface SettingOrigin {
  readonly value: string;
  readonly where: string;
}

/** Looks a setting up by flag, then environment variable, then config folder keys. */
export type SettingLookup = (flag: string, envName?: string, ...configKeys: string[]) => SettingOrigin | null;

/**
 * Resolves the webhook settings. Invalid values become error sentences in `errors`, naming where they came
 * from and what to write instead.
 */
export function resolveWebhookOptions(
  lookup: SettingLookup,
  parseBoolean: (text: string) => boolean | null,
  errors: string[],
  defaults: { readonly enabled: boolean; readonly port: number },
): WebhookOptions {
  const bool = (origin: SettingOrigin | null, fallback: boolean): boolean => {
    if (origin === null) return fallback;
    const value = parseBoolean(origin.value);
    if (value === null) errors.push(`invalid value "${origin.value}" for ${origin.where}: write true or false`);
    return value ?? fallback;
  };
  const whole = (origin: SettingOrigin | null, fallback: number, max: number, expected: string): number => {
    if (origin === null) return fallback;
    const value = Number(origin.value);
    if (!/^\d+$/.test(origin.value) || value > max) {
      errors.push(`invalid value "${origin.value}" for ${origin.where}: ${expected}`);
      return fallback;
    }
    return value;
  };
  const secrets: Partial<Record<WebhookType, string>> = {};
  for (const [type, { flag, env }] of Object.entries(WEBHOOK_SECRET_SETTINGS) as [
    WebhookType,
    { flag: string; env: string },
  ][]) {
    const value = lookup(flag, env)?.value.trim();
    if (value) secrets[type] = value;
  }
  return {
    enabled: bool(lookup("enable-webhook", "ENABLE_WEBHOOK", "webhook.enable"), defaults.enabled),
    port: whole(
      lookup("webhook-port", "WEBHOOK_PORT", "webhook.port"),
      defaults.port,
      65535,
      "write a port number 1..65535, or 0 for any free port",
    ),
    secrets,
    requireSecret: bool(lookup("webhook-require-secret", "WEBHOOK_REQUIRE_SECRET", "webhook.require-secret"), true),
    rateLimitPerHour: whole(
      lookup("webhook-ratelimit-allowed", "WEBHOOK_RATELIMIT_ALLOWED", "webhook.ratelimit-allowed"),
      0,
      Number.MAX_SAFE_INTEGER,
      "write a whole number of requests per hour, 0 for unlimited",
    ),
  };
}
