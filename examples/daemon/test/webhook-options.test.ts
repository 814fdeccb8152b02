import { describe, expect, it } from "vitest";
import { parseFlags } from "../src/cli/parse-flags.js";
import { RUN_FLAGS, resolveRunOptions } from "../src/config/run-options.js";
import { webhookSecretKey, webhookSecretsFromSecretData } from "../src/webhook/webhook-options.js";

function resolve(args: string[], env: Record<string, string> = {}, configDir: Record<string, string> = {}) {
  const parsed = parseFlags(["--applications-dir", "/apps", ...args], RUN_FLAGS);
  if ("error" in parsed) throw new Error(parsed.error);
  return resolveRunOptions({ flags: parsed.flags, env, configDir, configDirPath: null, fileExists: () => false });
}

describe("webhook settings of run", () => {
  it("are off on 8082, requiring secrets, unlimited, by default", () => {
    const { options, errors } = resolve([]);
    expect(errors).toEqual([]);
    expect(options.webhook).toEqual({
      enabled: false,
      port: 8082,
      secrets: {},
      requireSecret: true,
      rateLimitPerHour: 0,
    });
  });

  it("read argocd-image-updater's flags", () => {
    const { options, errors } = resolve([
      "--enable-webhook",
      "--webhook-port",
      "9000",
      "--docker-webhook-secret",
      "d",
      "--ghcr-webhook-secret=g",
      "--distribution-webhook-secret",
      "x",
      "--webhook-require-secret=false",
      "--webhook-ratelimit-allowed",
      "120",
    ]);
    expect(errors).toEqual([]);
    expect(options.webhook).toEqual({
      enabled: true,
      port: 9000,
      secrets: { "docker.io": "d", "ghcr.io": "g", distribution: "x" },
      requireSecret: false,
      rateLimitPerHour: 120,
    });
  });

  it("read the environment, flags winning", () => {
    const { options } = resolve(["--harbor-webhook-secret", "from-flag"], {
      ENABLE_WEBHOOK: "true",
      WEBHOOK_PORT: "8099",
      HARBOR_WEBHOOK_SECRET: "from-env",
      QUAY_WEBHOOK_SECRET: "q",
      ALIYUN_ACR_WEBHOOK_SECRET: "a",
      ACR_WEBHOOK_SECRET: "z",
      CLOUDEVENTS_WEBHOOK_SECRET: "c",
      WEBHOOK_RATELIMIT_ALLOWED: "5",
    });
    expect(options.webhook).toMatchObject({
      enabled: true,
      port: 8099,
      rateLimitPerHour: 5,
      secrets: { harbor: "from-flag", "quay.io": "q", "aliyun-acr": "a", acr: "z", cloudevents: "c" },
    });
  });

  it("read the config folder's webhook.* keys", () => {
    const { options } = resolve(
      [],
      {},
      { "webhook.enable": "true", "webhook.port": "7000", "webhook.require-secret": "false" },
    );
    expect(options.webhook).toMatchObject({ enabled: true, port: 7000, requireSecret: false });
  });

  it("say what to write for invalid values", () => {
    const { errors } = resolve(["--webhook-port", "http", "--webhook-ratelimit-allowed=-1"], {
      ENABLE_WEBHOOK: "maybe",
    });
    expect(errors).toEqual([
      'invalid value "maybe" for environment variable ENABLE_WEBHOOK: write true or false',
      'invalid value "http" for --webhook-port: write a port number 1..65535, or 0 for any free port',
      'invalid value "-1" for --webhook-ratelimit-allowed: write a whole number of requests per hour, 0 for unlimited',
    ]);
  });
});

describe("the Secret argocd-image-updater-secret", () => {
  it("names each type's key as argocd-image-updater does", () => {
    expect(webhookSecretKey("docker.io")).toBe("webhook.docker-secret");
    expect(webhookSecretKey("aliyun-acr")).toBe("webhook.aliyun-acr-secret");
    expect(webhookSecretKey("distribution")).toBe("webhook.distribution-secret");
  });

  it("gives the secrets its data holds", () => {
    expect(
      webhookSecretsFromSecretData({ "webhook.ghcr-secret": "g\n", "webhook.quay-secret": "", "other.key": "x" }),
    ).toEqual({ "ghcr.io": "g" });
  });
});
