/**
 * argocd-image-updater's settings (v0.18 and the current release) that this daemon accepts so that a
 * Deployment written for the peer starts unchanged, but does not act on. Each says why in `noEffect`; using
 * one logs that reason once.
 *
 * A command that gives one of these a meaning defines the flag in its own table (`RUN_FLAGS`), which
 * replaces the entry here; the help, the completion scripts and the warnings follow by themselves.
 */
import type { FlagSpec } from "../cli/parse-flags.js";

const RECONCILES = "every ImageUpdater resource is processed in the one engine cycle, bounded by --max-concurrency";
const POD_NAMESPACE = "namespaces default to --argocd-namespace here; set --leader-election-namespace for the Lease";
const WEBHOOK = "this build has no registry webhook receiver; updates are found by polling";
const ARGOCD_API =
  "removed from argocd-image-updater; Applications are read from the Kubernetes API or from files here";

function webhook(help: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { type: "string", help, noEffect: WEBHOOK, ...extra };
}

function webhookSecret(registry: string, name: string): FlagSpec {
  return webhook(`secret validating ${registry} webhooks`, {
    placeholder: "SECRET",
    env: `${name.toUpperCase().replaceAll("-", "_")}_WEBHOOK_SECRET`,
    configKeys: [`webhook.${name}-secret`],
  });
}

function argocdApi(help: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { type: "boolean", help, noEffect: ARGOCD_API, ...extra };
}

/** `run` settings of argocd-image-updater that change nothing here. */
export const PEER_RUN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "max-concurrent-reconciles": {
    type: "string",
    help: "ImageUpdater resources processed at once (controller mode)",
    noEffect: RECONCILES,
    placeholder: "N",
    env: "MAX_CONCURRENT_RECONCILES",
    configKeys: ["max_concurrent_reconciles"],
  },
  "disable-kubernetes": argocdApi("do not create a Kubernetes client (v0.18, deprecated)"),
  "applications-api": argocdApi("kubernetes or argocd: where Applications are read (v0.18, deprecated)", {
    type: "string",
    placeholder: "KIND",
    env: "APPLICATIONS_API",
    configKeys: ["applications_api"],
  }),
  "argocd-server-addr": argocdApi("Argo CD API server address (v0.18, deprecated)", {
    type: "string",
    placeholder: "ADDR",
    env: "ARGOCD_SERVER",
    configKeys: ["argocd.server_addr"],
  }),
  "argocd-grpc-web": argocdApi("use gRPC-web for the Argo CD API (v0.18, deprecated)", {
    env: "ARGOCD_GRPC_WEB",
    configKeys: ["argocd.grpc_web"],
  }),
  "argocd-insecure": argocdApi("skip TLS verification of the Argo CD API (v0.18, deprecated)", {
    env: "ARGOCD_INSECURE",
    configKeys: ["argocd.insecure"],
  }),
  "argocd-plaintext": argocdApi("talk to the Argo CD API without TLS (v0.18, deprecated)", {
    env: "ARGOCD_PLAINTEXT",
    configKeys: ["argocd.plaintext"],
  }),
  "argocd-auth-token": argocdApi("Argo CD API token (v0.18, deprecated)", {
    type: "string",
    placeholder: "TOKEN",
    env: "ARGOCD_TOKEN",
    configKeys: ["argocd.token"],
  }),
  "enable-webhook": webhook("serve registry webhooks beside polling", {
    type: "boolean",
    env: "ENABLE_WEBHOOK",
    configKeys: ["webhook.enable"],
  }),
  "webhook-port": webhook("port of the webhook server (default 8082)", {
    placeholder: "PORT",
    env: "WEBHOOK_PORT",
    configKeys: ["webhook.port"],
  }),
  "webhook-require-secret": webhook("refuse webhooks of registries with no secret (default true)", {
    type: "boolean",
    env: "WEBHOOK_REQUIRE_SECRET",
    configKeys: ["webhook.require-secret"],
  }),
  "webhook-ratelimit-allowed": webhook("webhook requests allowed per hour, 0 = unlimited", {
    placeholder: "N",
    env: "WEBHOOK_RATELIMIT_ALLOWED",
    configKeys: ["webhook.ratelimit-allowed"],
  }),
  "docker-webhook-secret": webhookSecret("Docker Hub", "docker"),
  "ghcr-webhook-secret": webhookSecret("GitHub Container Registry", "ghcr"),
  "quay-webhook-secret": webhookSecret("Quay", "quay"),
  "harbor-webhook-secret": webhookSecret("Harbor", "harbor"),
  "aliyun-acr-webhook-secret": webhookSecret("Aliyun ACR", "aliyun-acr"),
  "acr-webhook-secret": webhookSecret("Azure ACR", "acr"),
  "cloudevents-webhook-secret": webhookSecret("CloudEvents", "cloudevents"),
  "disable-tls": webhook("serve webhooks over plain HTTP", {
    type: "boolean",
    env: "DISABLE_TLS",
    configKeys: ["disable-tls"],
  }),
  tlsminversion: webhook("lowest TLS version of the webhook server (default 1.3)", {
    placeholder: "VERSION",
    env: "TLS_MIN_VERSION",
    configKeys: ["tls.min-version"],
  }),
  tlsmaxversion: webhook("highest TLS version of the webhook server (default 1.3)", {
    placeholder: "VERSION",
    env: "TLS_MAX_VERSION",
    configKeys: ["tls.max-version"],
  }),
  tlsciphers: webhook("colon-separated TLS cipher suites of the webhook server", {
    placeholder: "LIST",
    env: "TLS_CIPHERS",
    configKeys: ["tls.ciphers"],
  }),
  "enable-http2": webhook("allow HTTP/2 on the metrics and webhook servers", { type: "boolean" }),
  "metrics-secure": {
    type: "boolean",
    help: "serve /metrics over HTTPS with authentication (current release)",
    noEffect: "/metrics is served over plain HTTP here; put a proxy in front to secure it",
  },
};

/** `test` settings of argocd-image-updater that change nothing here. */
export const PEER_TEST_FLAGS: Readonly<Record<string, FlagSpec>> = {
  kubeconfig: {
    type: "string",
    placeholder: "PATH",
    help: "kubeconfig for pullsecret:/secret: credentials",
    noEffect: "credentials come from --credentials (env:, ext:, user:pass) here",
  },
  "disable-kubernetes": {
    type: "boolean",
    help: "do not create a Kubernetes client (v0.18)",
    noEffect: "test never talks to Kubernetes here",
  },
  "disable-kubernetes-events": {
    type: "boolean",
    help: "do not send Kubernetes Events (v0.18)",
    noEffect: "test never sends Kubernetes Events",
  },
};

/** Environment variables the peer's manifests set that belong to no flag. */
export const PEER_ENV_ONLY: Readonly<Record<string, string>> = {
  ARGOCD_LOGLEVEL: "the Argo CD client library's log level; use IMAGE_UPDATER_LOGLEVEL",
  POD_NAMESPACE: POD_NAMESPACE,
};

/** ConfigMap keys the peer mounts as files, read by no setting of ours. */
export const PEER_CONFIG_FILES: Readonly<Record<string, string>> = {
  "tls.crt": WEBHOOK,
  "tls.key": WEBHOOK,
};
