import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { formatGoDuration, matchesLabelSelector, parseGoDuration, parseLabelSelectorText } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { parseFlags } from "../src/cli/parse-flags.js";
import { PEER_RUN_FLAGS, PEER_TEST_FLAGS } from "../src/config/peer-flags.js";
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

/** The files argocd-image-updater's Deployment mounts, for tests that are not about their absence. */
const DEFAULT_FILES = ["/app/config/registries.conf", "/app/config/commit.template"];

describe("resolveRunOptions()", () => {
  /** Directory mode (`--applications-dir /apps`) unless the test is about Kubernetes mode. */
  function resolve(
    args: string[],
    env: Record<string, string> = {},
    configDir: Record<string, string> = {},
    existing: string[] = [],
  ) {
    return resolveArgs(["--applications-dir", "/apps", ...args], env, configDir, existing);
  }

  function resolveArgs(
    args: string[],
    env: Record<string, string> = {},
    configDir: Record<string, string> = {},
    existing: string[] = [],
  ) {
    const parsed = parseFlags(args, RUN_FLAGS);
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
    [["--interval", "0"], { once: true, intervalMs: 0, healthPort: null, metricsPort: null }],
    [["--interval", "0", "--metrics-port", "9100"], { once: true, healthPort: 8080, metricsPort: 9100 }],
    [["--health-probe-bind-address", ":8081", "--metrics-bind-address", "0"], { healthPort: 8081, metricsPort: null }],
    [["--once", "--health-port", "0"], { once: true, healthPort: 0, metricsPort: 8081 }],
    [["--health-port", "off", "--metrics-port", "9100"], { healthPort: null, metricsPort: 9100 }],
    [["--dry-run=true", "--git-commit-sign-off"], { dryRun: true, git: expect.objectContaining({ signOff: true }) }],
    [["--max-concurrent-apps", "3"], { maxConcurrency: 3 }],
    [["--ssh-known-hosts-path", "/k"], { sshKnownHostsPath: "/k", sshKnownHostsExplicit: true }],
    [["--match-application-name", "a-*", "--match-application-name", "b"], { matchApplicationNames: ["a-*", "b"] }],
    [
      ["--health-probe-bind-address", "127.0.0.1:9440", "--metrics-bind-address", "[::1]:9441"],
      { healthHost: "127.0.0.1", healthPort: 9440, metricsHost: "::1", metricsPort: 9441 },
    ],
    [
      ["--health-probe-bind-address", ":8081", "--metrics-bind-address", "0"],
      { healthHost: null, healthPort: 8081, metricsPort: null },
    ],
    [
      [
        "--git-timeout",
        "2m",
        "--git-stall-timeout",
        "20s",
        "--registry-timeout",
        "45s",
        "--registry-stall-timeout",
        "5s",
      ],
      {
        deadlines: {
          gitTimeoutMs: 120_000,
          gitStallTimeoutMs: 20_000,
          registryTimeoutMs: 45_000,
          registryStallTimeoutMs: 5_000,
        },
      },
    ],
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
    [["--metrics-bind-address", "localhost"], [], "--metrics-bind-address: write [HOST]:PORT"],
    [["--git-timeout", "0s"], [], "--git-timeout: write a positive duration"],
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

  it("warns once for each accepted setting that has no effect here, wherever it was set", () => {
    const { errors, warnings } = resolve(
      ["--argocd-grpc-web", "--warmup-cache=false"],
      { MAX_CONCURRENT_RECONCILES: "2" },
      { "argocd.plaintext": "true\n", "webhook.port": "8082\n" },
      DEFAULT_FILES,
    );

    expect(errors).toEqual([]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--argocd-grpc-web has no effect here: /),
        expect.stringMatching(/^--warmup-cache has no effect here: .*cache is kept on disk/),
        expect.stringMatching(/^environment variable MAX_CONCURRENT_RECONCILES has no effect here: /),
        expect.stringMatching(/^key argocd.plaintext of the config folder \/config has no effect here: /),
      ]),
    );
    expect(warnings).toHaveLength(4);
  });

  describe("Kubernetes mode", () => {
    it("reads its flags from argocd-image-updater's variables and ConfigMap keys, with no warning", () => {
      const { options, errors, warnings } = resolveArgs(
        ["--kubeconfig", "/kube/config", "--leader-election-namespace", "leases"],
        { IMAGE_UPDATER_KUBE_EVENTS: "true", ARGOCD_NAMESPACE: "cd" },
        { "watch.namespaces": "team-a,team-b\n" },
      );

      expect(errors).toEqual([]);
      expect(warnings.filter((w) => /no effect|not read|not a setting/.test(w))).toEqual([]);
      expect(options.kubernetes).toEqual({
        kubeconfig: "/kube/config",
        namespaces: ["team-a", "team-b"],
        argocdNamespace: "cd",
        leaderElection: false,
        leaderElectionNamespace: "leases",
        // As in argocd-image-updater, IMAGE_UPDATER_KUBE_EVENTS is the value of --disable-kube-events.
        kubeEvents: false,
      });
    });

    it("is off with --applications-dir, and names the variable of an invalid value", () => {
      expect(
        resolveArgs(["--applications-dir", "/apps"], { KUBECONFIG: "/kube/config" }).options.kubernetes,
      ).toBeNull();

      const { errors } = resolveArgs([], { KUBECONFIG: "/kube/config", IMAGE_UPDATER_WATCH_NAMESPACES: "Team A" });
      expect(errors).toEqual([
        'invalid value "Team A" for environment variable IMAGE_UPDATER_WATCH_NAMESPACES: write namespace names separated by commas, or *',
      ]);
    });

    it("lists the flags it implements as active, not among the peer's accepted-only flags", () => {
      for (const flag of ["kubeconfig", "application-namespace", "watch-namespaces", "disable-kube-events"]) {
        expect(RUN_FLAGS[flag]?.noEffect, `--${flag}`).toBeUndefined();
      }
      for (const flag of ["leader-election", "leader-election-namespace"]) {
        expect(RUN_FLAGS[flag]?.noEffect, `--${flag}`).toBeUndefined();
      }
      expect(RUN_FLAGS["max-concurrent-reconciles"]?.noEffect).toMatch(/--max-concurrency/);
    });
  });

  it("warns about unknown config-folder keys and look-alike environment variables instead of dropping them", () => {
    const { warnings } = resolve(
      [],
      { IMAGE_UPDATER_LOGLVL: "debug", GIT_COMMIT_USR: "x", PATH: "/bin" },
      { "git.usr": "bot\n", "registries.conf": "registries: []\n" },
      DEFAULT_FILES,
    );

    expect(warnings.sort()).toEqual([
      "environment variable GIT_COMMIT_USR is not read by image-updater; did you mean GIT_COMMIT_USER?",
      "environment variable IMAGE_UPDATER_LOGLVL is not read by image-updater; did you mean IMAGE_UPDATER_LOGLEVEL?",
      "key git.usr of the config folder /config is not a setting of argocd-image-updater or image-updater and is ignored; did you mean git.user?",
    ]);
  });

  it("accepts every run flag, variable and ConfigMap key of argocd-image-updater v0.18 and the current release", () => {
    const peerFlags = [
      ...["applications-api", "argocd-server-addr", "argocd-grpc-web", "argocd-insecure", "argocd-plaintext"],
      ...["argocd-auth-token", "disable-kubernetes", "dry-run", "interval", "loglevel", "logformat", "kubeconfig"],
      ...["health-port", "metrics-port", "once", "registries-conf-path", "max-concurrency", "argocd-namespace"],
      ...["application-namespace", "match-application-name", "match-application-label", "warmup-cache"],
      ...["git-commit-user", "git-commit-email", "git-commit-signing-key", "git-commit-signing-method"],
      ...["git-commit-sign-off", "git-commit-message-path", "disable-kube-events", "enable-webhook", "webhook-port"],
      ...["docker-webhook-secret", "ghcr-webhook-secret", "quay-webhook-secret", "harbor-webhook-secret"],
      ...["webhook-ratelimit-allowed", "metrics-bind-address", "health-probe-bind-address", "metrics-secure"],
      ...["enable-http2", "leader-election", "leader-election-namespace", "max-concurrent-apps"],
      ...["max-concurrent-reconciles", "watch-namespaces", "git-commit-method", "webhook-require-secret"],
      ...["aliyun-acr-webhook-secret", "acr-webhook-secret", "cloudevents-webhook-secret", "disable-tls"],
      ...["tlsminversion", "tlsmaxversion", "tlsciphers"],
    ];
    const peerEnv = [
      ...["APPLICATIONS_API", "ARGOCD_SERVER", "ARGOCD_GRPC_WEB", "ARGOCD_INSECURE", "ARGOCD_PLAINTEXT"],
      ...["ARGOCD_TOKEN", "IMAGE_UPDATER_INTERVAL", "IMAGE_UPDATER_LOGLEVEL", "IMAGE_UPDATER_LOGFORMAT"],
      ...["GIT_COMMIT_USER", "GIT_COMMIT_EMAIL", "GIT_COMMIT_SIGNING_KEY", "GIT_COMMIT_SIGNING_METHOD"],
      ...[
        "GIT_COMMIT_SIGN_OFF",
        "IMAGE_UPDATER_KUBE_EVENTS",
        "ENABLE_WEBHOOK",
        "WEBHOOK_PORT",
        "DOCKER_WEBHOOK_SECRET",
      ],
      ...["GHCR_WEBHOOK_SECRET", "QUAY_WEBHOOK_SECRET", "HARBOR_WEBHOOK_SECRET", "WEBHOOK_RATELIMIT_ALLOWED"],
      ...["MAX_CONCURRENT_APPS", "MAX_CONCURRENT_RECONCILES", "ARGOCD_NAMESPACE", "IMAGE_UPDATER_WATCH_NAMESPACES"],
      ...["GIT_COMMIT_METHOD", "WEBHOOK_REQUIRE_SECRET", "ALIYUN_ACR_WEBHOOK_SECRET", "ACR_WEBHOOK_SECRET"],
      ...["CLOUDEVENTS_WEBHOOK_SECRET", "DISABLE_TLS", "TLS_MIN_VERSION", "TLS_MAX_VERSION", "TLS_CIPHERS"],
      ...["ARGOCD_LOGLEVEL", "POD_NAMESPACE"],
    ];
    const peerKeys = [
      ...["applications_api", "argocd.grpc_web", "argocd.server_addr", "argocd.insecure", "argocd.plaintext"],
      ...["argocd.token", "interval", "log.level", "log.format", "git.user", "git.email", "git.commit-signing-key"],
      ...["git.commit-signing-method", "git.commit-sign-off", "kube.events", "webhook.enable", "webhook.port"],
      ...["webhook.quay-secret", "webhook.docker-secret", "webhook.ghcr-secret", "webhook.harbor-secret"],
      ...["webhook.ratelimit-allowed", "registries.conf", "git.commit-message-template", "argocd.namespace"],
      ...["watch.namespaces", "max_concurrent_apps", "max_concurrent_reconciles", "webhook.require-secret"],
      ...["webhook.aliyun-acr-secret", "webhook.acr-secret", "webhook.cloudevents-secret", "disable-tls"],
      ...["tls.min-version", "tls.max-version", "tls.ciphers", "tls.crt", "tls.key"],
    ];

    for (const flag of peerFlags) expect(RUN_FLAGS[flag], `--${flag}`).toBeDefined();
    const { warnings } = resolve(
      [],
      Object.fromEntries(peerEnv.map((name) => [name, "1"])),
      Object.fromEntries(peerKeys.map((key) => [key, "1\n"])),
    );
    const unknown = warnings.filter((w) => /is not (?:read|a setting)/.test(w));
    expect(unknown).toEqual([]);
  });

  it("the root README's flag table names every argocd-image-updater flag", async () => {
    const readme = await readFile(join(import.meta.dirname, "..", "..", "..", "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("## argocd-image-updater's flags here"));
    const peer = [...Object.keys(PEER_RUN_FLAGS), ...Object.keys(PEER_TEST_FLAGS), "interval", "once", "dry-run"];
    const own = ["max-concurrency", "max-concurrent-apps", "health-port", "health-probe-bind-address"];
    const more = ["metrics-port", "metrics-bind-address", "loglevel", "logformat", "registries-conf-path"];
    const git = ["git-commit-user", "git-commit-email", "git-commit-signing-key", "git-commit-signing-method"];
    const rest = ["git-commit-sign-off", "git-commit-message-path", "git-commit-method", "argocd-namespace"];
    const test = ["update-strategy", "semver-constraint", "allow-tags", "ignore-tags", "platforms", "rate-limit"];
    const names = [...peer, ...own, ...more, ...git, ...rest, ...test, "warmup-cache", "credentials"];

    const missing = names.filter(
      (name) => !table.includes(`--${name}`) && !table.includes(`--${name.replace(/webhook-secret$/, "")}`),
    );

    expect(missing).toEqual([]);
  });

  it("warns and uses the defaults when registries.conf or the commit template is missing at the default path", () => {
    const { errors, warnings, options } = resolve([]);

    expect(errors).toEqual([]);
    expect(options.registriesConfPath).toBeNull();
    expect(warnings).toEqual(
      expect.arrayContaining([
        "registry configuration at /app/config/registries.conf does not exist, using the default",
        "commit message template at /app/config/commit.template does not exist, using the default",
      ]),
    );
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
