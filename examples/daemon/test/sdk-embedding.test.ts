/**
 * An embedder's program, written with the SDK alone in as many lines as the daemon's wiring: a directory
 * source, the registry `registries.conf` describes, the git CLI writer, and `Updater.start()`. It gets the
 * daemon's behaviour: polling, the watch, triggers, request events, abort, and a metadata cache on disk.
 */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBareRepo,
  type GitHttpServer,
  pushImages,
  type RegistryServer,
  readBranchFiles,
  startGitHttpServer,
  startRegistry,
} from "@image-updater/bench";
import { createUpdater, type RegistryRequestEvent, type Updater, type UpdaterEvents } from "@image-updater/core";
import { createCliGitWriter } from "@image-updater/git-adapters";
import { createDirectorySource } from "@image-updater/k8s-source";
import { createConfiguredRegistry } from "@image-updater/registry-adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applicationManifest, deployment, PREFIX } from "./e2e-fixture.js";

const CREDENTIALS_ENV = "SDK_EMBEDDING_REGISTRY_CREDS";

/** The embedder's whole wiring. */
function embed(dir: string, registriesConf: string): Updater {
  const registry = createConfiguredRegistry({ registriesConf, cacheDir: join(dir, "cache") });
  return createUpdater({
    source: createDirectorySource({ dir: join(dir, "apps") }),
    registry: registry.client,
    endpoints: registry.endpoints,
    git: createCliGitWriter({ cacheDir: join(dir, "cache", "git") }),
    intervalMs: 3_600_000,
  });
}

/** Resolves with the first event `name` that satisfies `test`. */
function when<K extends keyof UpdaterEvents>(
  updater: Updater,
  name: K,
  test: (...args: Parameters<UpdaterEvents[K]>) => boolean = () => true,
): Promise<Parameters<UpdaterEvents[K]>[0]> {
  return new Promise((resolve) => {
    const listener = ((...args: Parameters<UpdaterEvents[K]>) => {
      if (!test(...args)) return;
      updater.off(name, listener);
      resolve(args[0]);
    }) as UpdaterEvents[K];
    updater.on(name, listener);
  });
}

let registry: RegistryServer;
let gitServer: GitHttpServer;
let dir: string;
let bare: string;
let image: string;

async function writeApplication(allowTags: string): Promise<void> {
  const manifest = applicationManifest("myapp", gitServer.repoUrl("manifests"), "app", {
    [`${PREFIX}/image-list`]: `app=${image}`,
    [`${PREFIX}/app.update-strategy`]: "newest-build",
    [`${PREFIX}/app.allow-tags`]: allowTags,
    [`${PREFIX}/write-back-method`]: "git",
    [`${PREFIX}/write-back-target`]: "kustomization",
  });
  await writeFile(join(dir, "apps", "myapp.yaml"), manifest);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sdk-embedding-"));
  [registry, gitServer] = await Promise.all([startRegistry({ auth: "token" }), startGitHttpServer()]);
  process.env[CREDENTIALS_ENV] = `${registry.username}:${registry.password}`;
  image = `${registry.host}/myorg/myapp`;
  bare = await createBareRepo(gitServer.root, "manifests", {
    "app/deployment.yaml": deployment("myapp", `${image}:1.0.0`),
    "app/kustomization.yaml": "resources:\n  - deployment.yaml\n",
  });
  await pushImages({ url: registry.url, username: registry.username, password: registry.password }, "myorg/myapp", [
    { tags: ["1.0.0"], created: "2026-01-01T01:00:00Z", layerSeed: "a" },
    { tags: ["1.1.0"], created: "2026-01-01T02:00:00Z", layerSeed: "b" },
  ]);
  await mkdir(join(dir, "apps"));
  await writeApplication("regexp:^1\\.[01]\\.");
}, 120_000);
afterAll(async () => {
  delete process.env[CREDENTIALS_ENV];
  await Promise.all([registry?.stop(), gitServer?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe("an SDK program wired like the daemon", () => {
  it("polls, follows the watch, takes a trigger with a tag hint, counts HTTP requests, and saves its cache on dispose", async () => {
    const updater = embed(
      dir,
      `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n  credentials: env:${CREDENTIALS_ENV}\n`,
    );
    const requests: RegistryRequestEvent[] = [];
    updater.on("registry:request", (e) => requests.push(e));
    const triggers: string[] = [];
    updater.on("cycle:started", (e) => triggers.push(e.trigger));
    try {
      const first = when(updater, "writeback:committed");
      updater.start();
      expect((await first).changes.map((c) => c.newTag)).toEqual(["1.1.0"]);

      // The watch: a changed Application is checked now, not at the next interval (1 h away).
      await pushImages({ url: registry.url, username: registry.username, password: registry.password }, "myorg/myapp", [
        { tags: ["1.2.0"], created: "2026-01-01T03:00:00Z", layerSeed: "c" },
      ]);
      const second = when(updater, "writeback:committed");
      await writeApplication("regexp:^1\\.[012]\\.");
      expect((await second).changes.map((c) => c.newTag)).toEqual(["1.2.0"]);

      // A trigger for the image (as a webhook would send it), with the pushed tag as a hint.
      await pushImages({ url: registry.url, username: registry.username, password: registry.password }, "myorg/myapp", [
        { tags: ["1.2.1"], created: "2026-01-01T04:00:00Z", layerSeed: "d" },
      ]);
      const triggered = await updater.trigger({ image, tagHint: "1.2.1" });
      expect(triggered.commits).toHaveLength(1);
    } finally {
      await updater.dispose();
    }

    const files = await readBranchFiles(bare, "main");
    expect(files["app/kustomization.yaml"]).toContain("newTag: 1.2.1");
    expect(triggers.slice(0, 3)).toEqual(["interval", "watch", "image"]);
    const kinds = new Set(requests.map((r) => r.kind));
    expect(kinds.has("token")).toBe(true);
    expect(kinds.has("tags")).toBe(true);
    expect(requests.every((r) => r.registry === registry.host)).toBe(true);
    await expect(access(join(dir, "cache", "registry-metadata.json"))).resolves.toBeUndefined();
  }, 120_000);

  it("dispose() writes the registry metadata cache of a single cycle to disk", async () => {
    const fresh = await mkdtemp(join(tmpdir(), "sdk-embedding-cache-"));
    try {
      await mkdir(join(fresh, "apps"));
      await writeFile(join(fresh, "apps", "myapp.yaml"), await readFile(join(dir, "apps", "myapp.yaml"), "utf8"));
      const updater = embed(
        fresh,
        `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n  credentials: env:${CREDENTIALS_ENV}\n`,
      );
      await updater.runOnce();
      const beforeDispose = await access(join(fresh, "cache", "registry-metadata.json")).catch(() => "absent");
      await updater.dispose();

      expect(beforeDispose).toBe("absent");
      const cache = JSON.parse(await readFile(join(fresh, "cache", "registry-metadata.json"), "utf8"));
      expect(JSON.stringify(cache)).toContain("sha256:");
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  it("dispose() ends a cycle stuck on a registry that never answers within 5 s, with nothing pushed", async () => {
    const sockets = new Set<Socket>();
    const blackhole: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
    const port = (blackhole.address() as { port: number }).port;
    const before = await readBranchFiles(bare, "main");
    const updater = embed(
      dir,
      `registries:\n- name: silent\n  prefix: ${registry.host}\n  api_url: http://127.0.0.1:${port}\n  insecure: yes\n`,
    );
    try {
      const finished = when(updater, "cycle:finished");
      updater.start();
      while (sockets.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const started = Date.now();
      await updater.dispose();
      await finished;

      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await readBranchFiles(bare, "main")).toEqual(before);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  }, 60_000);
});
