/**
 * Shared wiring of the end-to-end tests: the daemon's adapters (directory source, Secret manifests, OCI client
 * with core's policies, git CLI writer) around `createUpdater`, with every registry HTTP request and every git
 * operation recorded so tests can count them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  type GitHttpServer,
  pushImages,
  type RegistryServer,
  startGitHttpServer,
  startRegistry,
  tempDir,
} from "@image-updater/bench";
import {
  type CycleResult,
  createUpdater,
  type GitCredentials,
  parseRegistriesConf,
  type RegistryHttpRequest,
  type Updater,
  type UpdaterOptions,
  withRegistryPolicies,
} from "@image-updater/core";
import { type BeforePushContext, createCliGitWriter, type GitOperationEvent } from "@image-updater/git-adapters";
import {
  createDirectoryGitCredentials,
  createDirectorySecretResolver,
  createDirectorySource,
} from "@image-updater/k8s-source";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { stringify } from "yaml";

export const PREFIX = "argocd-image-updater.argoproj.io";

/** A plain Deployment as the seed's GitOps repository holds it. */
export function deployment(name: string, image: string): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    `        - name: ${name}`,
    `          image: ${image} # set by image-updater`,
    "",
  ].join("\n");
}

/** An Argo CD Application manifest (as `kubectl get -o yaml` would show it, without status). */
export function applicationManifest(
  name: string,
  repoURL: string,
  path: string,
  annotations: Record<string, string>,
): string {
  return stringify({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace: "argocd", annotations },
    spec: {
      project: "default",
      source: { repoURL, path, targetRevision: "main" },
      destination: { server: "https://kubernetes.default.svc", namespace: name },
    },
  });
}

/** A Kubernetes Secret manifest with `stringData`. */
export function secretManifest(
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): string {
  return stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "argocd", labels },
    type: "Opaque",
    stringData: data,
  });
}

/** Argo CD's repository Secret: what `write-back-method: git` (= `git:repocreds`) pushes with. */
export function repositorySecret(name: string, url: string, data: Record<string, string>): string {
  return secretManifest(name, { url, type: "git", ...data }, { "argocd.argoproj.io/secret-type": "repository" });
}

/** The `registry-creds` Secret holding the bench registry's account, as `registries.conf` names it. */
export function registryCredsSecret(registry: RegistryServer): string {
  return secretManifest("registry-creds", { username: registry.username ?? "", password: registry.password ?? "" });
}

/** A `registries.conf` with the bench registry as its only entry, authenticated by {@link registryCredsSecret}. */
export function benchRegistriesConf(registry: RegistryServer): string {
  return `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  credentials: secret:argocd/registry-creds\n`;
}

/** An Application updating `image` by semver and committing to `main` of `repoUrl` (the repository Secret's). */
export function semverGitApp(
  name: string,
  repoUrl: string,
  path: string,
  image: string,
  extra: Record<string, string> = {},
): string {
  return applicationManifest(name, repoUrl, path, {
    [`${PREFIX}/image-list`]: `app=${image}`,
    [`${PREFIX}/app.update-strategy`]: "semver",
    [`${PREFIX}/write-back-method`]: "git",
    [`${PREFIX}/git-branch`]: "main",
    ...extra,
  });
}

/** A token-auth registry holding `myorg/myapp` 1.0.0 then 1.1.0, and an anonymous git http-backend. */
export async function startTwoTagBench(): Promise<{ registry: RegistryServer; http: GitHttpServer }> {
  const [registry, http] = await Promise.all([startRegistry({ auth: "token" }), startGitHttpServer()]);
  await pushImages(registry, "myorg/myapp", [
    { tags: ["1.0.0"], created: "2026-01-01T00:00:00Z" },
    { tags: ["1.1.0"], created: "2026-02-01T00:00:00Z" },
  ]);
  return { registry, http };
}

/** The seed's `myorg/myapp` builds, pushed in CI's order: releases, a beta, and the newest, a commit build. */
export async function pushSeedImages(registry: RegistryServer): Promise<void> {
  await pushImages(registry, "myorg/myapp", [
    { tags: ["1.0.0"], created: "2026-01-01T00:00:00Z" },
    { tags: ["1.2.3"], created: "2026-02-01T00:00:00Z" },
    { tags: ["1.2.4-beta"], created: "2026-03-01T00:00:00Z" },
    { tags: ["1.3.0"], created: "2026-04-01T00:00:00Z" },
    { tags: ["abc1234"], created: "2026-05-01T00:00:00Z" },
  ]);
}

/** Writes `files` (relative paths) under `root`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/** Options of {@link createE2eUpdater}. */
export interface E2eUpdaterOptions {
  readonly appsDir: string;
  readonly secretsDir: string;
  /** `registries.conf` text. */
  readonly registriesConf: string;
  /** known_hosts lines for SSH remotes (Argo CD keeps them in `argocd-ssh-known-hosts-cm`). */
  readonly knownHosts?: string;
  readonly beforePush?: (context: BeforePushContext) => void | Promise<void>;
  readonly extra?: Partial<UpdaterOptions>;
}

/** The wired updater plus what it did. */
export interface E2eUpdater {
  readonly updater: Updater;
  readonly requests: RegistryHttpRequest[];
  readonly gitOperations: GitOperationEvent[];
  readonly events: string[];
  runOnce(): Promise<CycleResult>;
  dispose(): Promise<void>;
}

/** Wires the updater the way the daemon does, from folders and `registries.conf`. */
export function createE2eUpdater(options: E2eUpdaterOptions): E2eUpdater {
  const conf = parseRegistriesConf(options.registriesConf);
  const errors = conf.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  if (errors.length > 0) throw new Error(`registries.conf: ${errors.map((d) => d.message).join("; ")}`);
  const secrets = createDirectorySecretResolver({ dir: options.secretsDir });
  const requests: RegistryHttpRequest[] = [];
  const gitOperations: GitOperationEvent[] = [];
  const events: string[] = [];
  const registry = withRegistryPolicies(
    createOciRegistryClient({ endpoints: conf.endpoints, secrets, onRequest: (event) => requests.push(event) }),
    { retry: { retries: 0 }, circuitBreaker: false },
  );
  const repoCredentials = createDirectoryGitCredentials({ dir: options.secretsDir });
  const git = createCliGitWriter({
    cacheDir: tempDir("e2e-git-cache"),
    onOperation: (event) => gitOperations.push(event),
    ...(options.beforePush === undefined ? {} : { beforePush: options.beforePush }),
  });
  const updater = createUpdater({
    source: createDirectorySource({ dir: options.appsDir }),
    registry,
    endpoints: conf.endpoints,
    git,
    secrets,
    gitCredentials: async (request): Promise<GitCredentials | undefined> => {
      const found = await repoCredentials.resolve(request.source, request.repoUrl);
      if (found === null) return undefined;
      if (found.kind === "ssh" && options.knownHosts !== undefined) {
        return { ...found, knownHosts: options.knownHosts };
      }
      return found;
    },
    ...options.extra,
  });
  const name = (e: { application: { name: string } }) => e.application.name;
  updater.on("image:updating", (e) => events.push(`updating ${name(e)} ${e.oldTag}->${e.newTag}`));
  updater.on("image:failed", (e) => events.push(`image failed ${name(e)}: ${e.error.message}`));
  updater.on("application:failed", (e) => events.push(`app failed ${name(e)}: ${e.error.message}`));
  updater.on("writeback:failed", (e) => events.push(`writeback failed: ${e.error.message}`));
  updater.on("writeback:skipped", (e) => events.push(`writeback skipped ${e.reason}: ${e.applications.length}`));
  return {
    updater,
    requests,
    gitOperations,
    events,
    runOnce: () => updater.runOnce(),
    dispose: () => updater.dispose(),
  };
}

/** Registry HTTP requests by kind and method, e.g. `{ "GET tags": 1 }`. */
export function countRequests(requests: readonly RegistryHttpRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const key = `${request.method} ${request.kind}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Git operations by name, e.g. `{ fetch: 2, commit: 1, push: 1 }`. */
export function countOperations(operations: readonly GitOperationEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const operation of operations) counts[operation.operation] = (counts[operation.operation] ?? 0) + 1;
  return counts;
}
