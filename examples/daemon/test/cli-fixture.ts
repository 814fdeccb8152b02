/**
 * Shared wiring of the tests that drive the daemon through its CLI over a prepared folder (`applications/`,
 * `secrets/`, `registries.conf`), one `run --once` cycle or a long-running `run` with its HTTP ports.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createBareRepo,
  type GitHttpServer,
  pushImages,
  type RegistryServer,
  startGitHttpServer,
  startRegistry,
} from "@image-updater/bench";
import { runCli } from "../src/cli/cli.js";
import { seedApplications } from "../src/demo/applications.js";
import { seedManifests } from "../src/demo/gitops-repo.js";
import { createOciLayoutWriter } from "../src/demo/oci-layout-writer.js";
import { secretManifest } from "./e2e-fixture.js";

/** Writes the seed's Applications for `repoUrl` and `image` into `dir/applications`, each passed through `edit`. */
export async function writeSeedApplications(
  dir: string,
  repoUrl: string,
  image: string,
  edit: (text: string) => string = (text) => text,
): Promise<void> {
  await mkdir(join(dir, "applications"));
  for (const [name, text] of Object.entries(seedApplications(repoUrl, image))) {
    await writeFile(join(dir, "applications", name), edit(text));
  }
}

/** The real services a seed run talks to: an anonymous registry and git over HTTP without auth. */
export interface SeedServices {
  readonly registry: RegistryServer;
  readonly gitServer: GitHttpServer;
  /** `<registry host>/myorg/myapp`, holding the builds {@link startSeedServices} pushed. */
  readonly image: string;
  stop(): Promise<void>;
}

/** Starts {@link SeedServices} and pushes `builds` (tag → created time) as `myorg/myapp`, one image each. */
export async function startSeedServices(builds: Readonly<Record<string, string>>): Promise<SeedServices> {
  const [registry, gitServer] = await Promise.all([startRegistry({}), startGitHttpServer({})]);
  const images = Object.entries(builds).map(([tag, created]) => ({ tags: [tag], created, layerSeed: tag }));
  await pushImages({ url: registry.url }, "myorg/myapp", images);
  return {
    registry,
    gitServer,
    image: `${registry.host}/myorg/myapp`,
    async stop() {
      await Promise.all([registry.stop(), gitServer.stop()]);
    },
  };
}

/**
 * Prepares `dir` for {@link runOnce} over `services`: a fresh repository `name` holding the seed's manifests at
 * `tag`, the seed's Applications (each passed through `edit`), its repository Secret and a registries.conf.
 * Resolves the bare repository's path.
 */
export async function writeSeedRun(
  dir: string,
  services: Pick<SeedServices, "registry" | "gitServer">,
  options: { readonly name: string; readonly tag: string; readonly edit?: (text: string) => string },
): Promise<string> {
  const { registry, gitServer } = services;
  const image = `${registry.host}/myorg/myapp`;
  const bare = await createBareRepo(gitServer.root, options.name, seedManifests(image, options.tag));
  const repoUrl = gitServer.repoUrl(options.name);
  await writeSeedApplications(dir, repoUrl, image, options.edit);
  await writeSecrets(dir, [
    secretManifest("manifests-repo", { url: repoUrl }, { "argocd.argoproj.io/secret-type": "repository" }),
  ]);
  await writeFile(
    join(dir, "registries.conf"),
    `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
  );
  return bare;
}

/** Writes Secret `manifests` as one multi-document file into `dir/secrets`. */
export async function writeSecrets(dir: string, manifests: readonly string[]): Promise<void> {
  await mkdir(join(dir, "secrets"));
  await writeFile(join(dir, "secrets", "secrets.yaml"), manifests.join("---\n"));
}

/** One image pushed by {@link writeLayoutRegistry}. */
export interface LayoutImage {
  readonly tag: string;
  readonly created: string;
}

/**
 * Pushes `images` as `docker.io/myorg/myapp` into an OCI layout under `dir/registry` and writes a
 * `dir/registries.conf` serving `docker.io` from it.
 */
export async function writeLayoutRegistry(dir: string, images: readonly LayoutImage[]): Promise<void> {
  const layout = await createOciLayoutWriter(join(dir, "registry", "docker.io", "myorg", "myapp"));
  for (const image of images) await layout.push({ tag: image.tag, created: new Date(image.created) });
  await writeFile(
    join(dir, "registries.conf"),
    `registries:\n- name: layout\n  prefix: docker.io\n  api_url: file://${join(dir, "registry")}\n`,
  );
}

/** What one CLI invocation printed and returned. */
export interface CliRun {
  readonly code: number;
  /** stdout and stderr, interleaved as written. */
  readonly text: string;
}

/** Runs `image-updater run --once` over `dir`'s folders, with `cacheDir` (default `cache`) and `extra` flags. */
export async function runOnce(dir: string, extra: readonly string[] = [], cacheDir = "cache"): Promise<CliRun> {
  const out: string[] = [];
  const code = await runCli(
    [
      "run",
      "--once",
      "--applications-dir",
      join(dir, "applications"),
      "--secrets-dir",
      join(dir, "secrets"),
      "--registries-conf-path",
      join(dir, "registries.conf"),
      "--cache-dir",
      join(dir, cacheDir),
      ...extra,
    ],
    { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: { HOME: dir } },
  );
  return { code, text: out.join("") };
}

/** A `run` daemon started by {@link startDaemon}. */
export interface RunningDaemon {
  readonly ports: { readonly health: number; readonly metrics: number | null };
  /** Everything logged so far. */
  logs(): string;
  /** Aborts the daemon and resolves with its exit code. */
  stop(): Promise<number>;
}

/** Starts `image-updater run` over `dir`'s folders with ephemeral ports; resolves once the health port listens. */
export async function startDaemon(dir: string, metricsPort: "0" | "off"): Promise<RunningDaemon> {
  const controller = new AbortController();
  let ports = { health: null as number | null, metrics: null as number | null };
  const logs: string[] = [];
  const exit = runCli(
    [
      "run",
      "--applications-dir",
      join(dir, "applications"),
      "--registries-conf-path",
      join(dir, "registries.conf"),
      "--cache-dir",
      join(dir, "cache"),
      "--health-port",
      "0",
      "--metrics-port",
      metricsPort,
      "--interval",
      "1h",
    ],
    { stdout: (t) => logs.push(t), stderr: (t) => logs.push(t), env: {}, signal: controller.signal },
    { onListening: (p) => (ports = p) },
  );
  while (ports.health === null) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    ports: { health: ports.health, metrics: ports.metrics },
    logs: () => logs.join(""),
    stop: () => {
      controller.abort();
      return exit;
    },
  };
}

/** Fetches `url` until it answers 200 (or gives up after 500 tries and returns the last answer). */
export async function poll(url: string): Promise<Response> {
  for (let i = 0; ; i++) {
    const response = await fetch(url);
    if (response.status === 200 || i >= 500) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
