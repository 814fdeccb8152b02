import { formatGoDuration, matchesLabelSelector, parseGoDuration, parseLabelSelectorText } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { parseFlags } from "../src/cli/parse-flags.js";
import { RUN_FLAGS, resolveRunOptions } from "../src/config/run-options.js";

describe("parseGoDuration()", () => {
  it.each([
    ["2m", 120_000],
    ["0", 0],
    ["90s", 90_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["2m30s", 150_000],
    ["120", undefined],
    ["-1m", -60_000],
    ["2 m", undefined],
    ["", undefined],
    ["1d", undefined],
  ])("%j → %j", (text, expected) => {
    expect(parseGoDuration(text)).toBe(expected);
  });

  it.each([
    [120_000, "2m0s"],
    [5_400_000, "1h30m0s"],
    [30_000, "30s"],
    [0, "0s"],
  ])("formats %d as %s", (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

describe("--match-application-label selectors (core's parser)", () => {
  it.each([
    ["app=web", { app: "web" }, true],
    ["app==web", { app: "api" }, false],
    ["app!=web", { app: "api" }, true],
    ["env in (staging, prod),team", { env: "prod", team: "x" }, true],
    ["env notin (prod)", { env: "prod" }, false],
    ["!canary", {}, true],
    ["argocd-image-updater.argoproj.io/enabled=true", { "argocd-image-updater.argoproj.io/enabled": "true" }, true],
  ])("%s on %j → %s", (text, labels, expected) => {
    const parsed = parseLabelSelectorText(text);

    expect(typeof parsed !== "string" && matchesLabelSelector(parsed, labels)).toBe(expected);
  });

  it("explains what to write for a malformed selector", () => {
    expect(parseLabelSelectorText("app=web,===")).toEqual(expect.stringContaining("write `key=value`"));
  });
});

describe("resolveRunOptions()", () => {
  function resolve(
    args: string[],
    env: Record<string, string> = {},
    configDir: Record<string, string> = {},
    existing: string[] = [],
  ) {
    const parsed = parseFlags(["--applications-dir", "/apps", ...args], RUN_FLAGS);
    if ("error" in parsed) throw new Error(parsed.error);
    return resolveRunOptions({
      flags: parsed.flags,
      env,
      configDir,
      configDirPath: "/config",
      fileExists: (p) => existing.includes(p),
    });
  }

  it("has argocd-image-updater's defaults", () => {
    const { options, errors } = resolve([], { HOME: "/home/u" });

    expect(errors).toEqual([]);
    expect(options).toMatchObject({
      intervalMs: 120_000,
      once: false,
      dryRun: false,
      maxConcurrency: 10,
      registriesConfPath: null,
      healthPort: 8080,
      metricsPort: 8081,
      logLevel: "info",
      logFormat: "text",
      cacheDir: "/home/u/.cache/image-updater",
      argocdNamespace: "argocd",
      git: { user: "argocd-image-updater", email: "noreply@argoproj.io", signingMethod: "openpgp", signOff: false },
    });
  });

  it("takes flags over environment over the config folder over defaults", () => {
    const configDir = {
      "git.user": "from-config\n",
      "git.email": "config@example.com\n",
      "log.level": "debug\n",
      interval: "5m\n",
      "git.commit-sign-key": "/path/to/gpg-key\n",
    };
    const env = { GIT_COMMIT_USER: "from-env", IMAGE_UPDATER_INTERVAL: "10m" };

    const { options } = resolve(["--interval", "1m"], env, configDir);

    expect(options.intervalMs).toBe(60_000);
    expect(options.git.user).toBe("from-env");
    expect(options.git.email).toBe("config@example.com");
    expect(options.logLevel).toBe("debug");
    expect(options.git.signingKey).toBe("/path/to/gpg-key");
  });

  it("takes registries.conf and the commit template from the config folder unless a path flag is given", () => {
    const configDir = { "registries.conf": "registries: []\n", "git.commit-message-template": "{{.AppName}}\n" };

    const fromConfig = resolve([], {}, configDir, ["/app/config/registries.conf"]).options;
    const fromFlag = resolve(["--registries-conf-path", "/x.conf"], {}, configDir).options;
    const fromDefault = resolve([], {}, {}, ["/app/config/registries.conf"]).options;

    expect([fromConfig.registriesConfPath, fromConfig.registriesConfText]).toEqual([null, "registries: []\n"]);
    expect(fromConfig.git.messageTemplateText).toBe("{{.AppName}}\n");
    expect([fromFlag.registriesConfPath, fromFlag.registriesConfText, fromFlag.registriesConfExplicit]).toEqual([
      "/x.conf",
      null,
      true,
    ]);
    expect([fromDefault.registriesConfPath, fromDefault.registriesConfExplicit]).toEqual([
      "/app/config/registries.conf",
      false,
    ]);
  });

  it.each([
    [["--once"], { once: true, intervalMs: 0, healthPort: null, metricsPort: null }],
    [["--interval", "0"], { once: true, intervalMs: 0, healthPort: 8080 }],
    [["--once", "--health-port", "0"], { once: true, healthPort: 0, metricsPort: 8081 }],
    [["--health-port", "off", "--metrics-port", "9100"], { healthPort: null, metricsPort: 9100 }],
    [["--dry-run=true", "--git-commit-sign-off"], { dryRun: true, git: expect.objectContaining({ signOff: true }) }],
    [["--max-concurrent-apps", "3"], { maxConcurrency: 3 }],
    [["--ssh-known-hosts-path", "/k"], { sshKnownHostsPath: "/k", sshKnownHostsExplicit: true }],
    [["--match-application-name", "a-*", "--match-application-name", "b"], { matchApplicationNames: ["a-*", "b"] }],
  ])("%j resolves to %j", (args, expected) => {
    const { options, errors } = resolve(args);

    expect(errors).toEqual([]);
    expect(options).toMatchObject(expected);
  });

  it.each([
    [["--interval", "120"], [], 'invalid value "120" for --interval: write a duration with a unit'],
    [[], ["IMAGE_UPDATER_INTERVAL=2x"], 'invalid value "2x" for environment variable IMAGE_UPDATER_INTERVAL'],
    [["--max-concurrency", "0"], [], "--max-concurrency: write a whole number from 1 to 100"],
    [["--loglevel", "verbose"], [], "--loglevel: write one of trace, debug, info, warn, error"],
    [["--logformat", "xml"], [], "--logformat: write one of text, json"],
    [["--health-port", "http"], [], "--health-port: write a port number"],
    [["--git-commit-signing-method", "x509"], [], "write one of openpgp, ssh"],
    [["--match-application-label", "a b c"], [], "--match-application-label"],
    [[], ["GIT_COMMIT_SIGN_OFF=maybe"], "GIT_COMMIT_SIGN_OFF: write true or false"],
    [["--pull-request-provider", "github"], [], "needs an API token in the environment variable PULL_REQUEST_TOKEN"],
    [["--pull-request-provider", "webhook"], [], "needs --pull-request-webhook-url URL"],
    [["--pull-request-provider", "bitbucket"], ["PULL_REQUEST_TOKEN=t"], "write one of github, gitlab, gitea, webhook"],
    [
      ["--pull-request-provider", "gitea", "--pull-request-api-url", "gitea.local"],
      ["PULL_REQUEST_TOKEN=t"],
      'invalid value "gitea.local" for --pull-request-api-url: write an http(s) URL',
    ],
  ])("%j %j is an error naming the source: %s", (args, envPairs, message) => {
    const env = Object.fromEntries(envPairs.map((p) => p.split("=") as [string, string]));

    const { errors } = resolve(args, env);

    expect(errors).toEqual([expect.stringContaining(message)]);
  });

  it("reads the pull-request provider from flags and its token from the environment only", () => {
    const { options, errors } = resolve(
      ["--pull-request-provider", "gitlab", "--pull-request-api-url", "https://gitlab.example.test/api/v4"],
      { PULL_REQUEST_TOKEN: "glpat-secret" },
    );

    expect(errors).toEqual([]);
    expect(options.pullRequests).toEqual({
      provider: "gitlab",
      apiUrl: "https://gitlab.example.test/api/v4",
      webhookUrl: null,
      token: "glpat-secret",
    });
    expect(resolve([]).options.pullRequests).toBeNull();
  });

  it("names the config key of an invalid config-folder value", () => {
    const { errors } = resolve([], {}, { interval: "soon\n" });

    expect(errors).toEqual([expect.stringContaining('"soon" for key interval of the config folder /config')]);
  });

  it("requires an applications folder", () => {
    const parsed = parseFlags([], RUN_FLAGS);
    if ("error" in parsed) throw new Error(parsed.error);

    const { errors } = resolveRunOptions({
      flags: parsed.flags,
      env: {},
      configDir: {},
      configDirPath: null,
      fileExists: () => false,
    });

    expect(errors).toEqual([expect.stringContaining("--applications-dir")]);
  });
});

describe("parseFlags()", () => {
  it.each([
    [["--nope"], "unknown flag --nope"],
    [["--interval"], "--interval needs a value"],
    [["--once=maybe"], 'invalid value "maybe" for --once: write true or false'],
  ])("%j → %s", (args, message) => {
    expect(parseFlags(args, RUN_FLAGS)).toEqual({ error: expect.stringContaining(message) });
  });

  it("accepts --flag=false for booleans as the Go CLI does", () => {
    const parsed = parseFlags(["--dry-run=false", "--once"], RUN_FLAGS);

    expect(parsed).toEqual({ flags: { values: { "dry-run": false, once: true }, positionals: [] } });
  });
});
