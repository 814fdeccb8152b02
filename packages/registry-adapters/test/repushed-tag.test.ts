/**
 * A tag pushed again with another image, across a restart with the persistent metadata cache, against a real
 * docker-registry: the decision and the digest it carries follow the registry, and the request floor holds
 * (a HEAD per tag the earlier process stored, a manifest only for the digest never seen).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupBench, type ImageSpec, pushImages, type RegistryServer, startRegistry } from "@image-updater/bench";
import { type Application, createUpdater, type RegistryHttpRequest } from "@image-updater/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createConfiguredRegistry } from "../src/index.js";

const PREFIX = "argocd-image-updater.argoproj.io";

let registry: RegistryServer;
const dirs: string[] = [];
beforeAll(async () => {
  registry = await startRegistry();
});
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
afterAll(async () => {
  await registry?.stop();
  await cleanupBench();
});

function build(tag: string, day: number): ImageSpec {
  return { tags: [tag], created: new Date(Date.UTC(2024, 0, day)).toISOString() };
}

/** An Application running `running` of `repository`, newest-build, pinned by digest in what runs. */
function application(repository: string, running: string): Application {
  return {
    namespace: "argocd",
    name: "app",
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: `app=${registry.host}/${repository}`,
      [`${PREFIX}/app.update-strategy`]: "newest-build",
    },
    spec: { source: { repoURL: "https://git.example/app.git", path: "app", kustomize: {} } },
    status: { summary: { images: [`${registry.host}/${repository}:${running}`] } },
  };
}

/** One dry-run cycle by a fresh process: a new client on the same cache directory, as after a restart. */
async function cycleOfNewProcess(cacheDir: string, app: Application) {
  const requests: RegistryHttpRequest[] = [];
  const registries = createConfiguredRegistry({
    registriesConf: `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
    cacheDir,
    onHttpRequest: (request) => requests.push(request),
  });
  const updater = createUpdater({
    source: { id: "test", list: async () => [app] },
    registry: registries.client,
    dryRun: true,
  });
  const result = await updater.runOnce();
  await registries.client.dispose?.();
  const image = result.results[0]?.images[0];
  const count = (method: string, kind: string) =>
    requests.filter((r) => r.method === method && r.kind === kind && r.status === 200).length;
  return {
    image,
    heads: count("HEAD", "manifest"),
    manifests: count("GET", "manifest"),
    blobs: count("GET", "blob"),
  };
}

async function cacheDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "repushed-"));
  dirs.push(dir);
  return dir;
}

describe("newest-build and a tag pushed again, across a restart with the cache directory", () => {
  it("follows build-7 pushed again as a newer image: the new digest, one manifest for it, a HEAD per stored tag", async () => {
    const [, first] = await pushImages(registry, "team/repush", [build("build-5", 5), build("build-7", 7)]);
    const dir = await cacheDir();
    const before = await cycleOfNewProcess(dir, application("team/repush", "build-5"));
    const [again] = await pushImages(registry, "team/repush", [build("build-7", 17)]);

    const after = await cycleOfNewProcess(dir, application("team/repush", "build-5"));
    const warm = await cycleOfNewProcess(dir, application("team/repush", "build-5"));

    expect(again?.digest).not.toBe(first?.digest);
    expect(before.image).toMatchObject({ outcome: "updated", newTag: "build-7", newDigest: first?.digest });
    expect(after.image).toMatchObject({ outcome: "updated", newTag: "build-7", newDigest: again?.digest });
    // Both stored tags are confirmed once (build-5's digest was seen: no manifest); only the new image is read.
    expect({ heads: after.heads, manifests: after.manifests, blobs: after.blobs }).toEqual({
      heads: 2,
      manifests: 1,
      blobs: 1,
    });
    expect(warm.image).toMatchObject({ newDigest: again?.digest });
    expect({ heads: warm.heads, manifests: warm.manifests, blobs: warm.blobs }).toEqual({
      heads: 2,
      manifests: 0,
      blobs: 0,
    });
  });

  it("picks an older tag pushed again as the newest image, reading only that image", async () => {
    await pushImages(registry, "team/older", [build("build-5", 5), build("build-6", 6), build("build-7", 7)]);
    const dir = await cacheDir();
    const before = await cycleOfNewProcess(dir, application("team/older", "build-7"));
    const [again] = await pushImages(registry, "team/older", [build("build-6", 20)]);

    const after = await cycleOfNewProcess(dir, application("team/older", "build-7"));

    expect(before.image).toMatchObject({ outcome: "up-to-date", newTag: "build-7" });
    expect(after.image).toMatchObject({ outcome: "updated", newTag: "build-6", newDigest: again?.digest });
    expect({ heads: after.heads, manifests: after.manifests, blobs: after.blobs }).toEqual({
      heads: 3,
      manifests: 1,
      blobs: 1,
    });
  });
});

describe("newest-build and a tag pushed again while the process runs", () => {
  it("asks the winning tag where it points every cycle (one HEAD), and follows it when it moved", async () => {
    const [, first] = await pushImages(registry, "team/live", [build("build-5", 5), build("build-7", 7)]);
    const requests: RegistryHttpRequest[] = [];
    const registries = createConfiguredRegistry({
      registriesConf: `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
      cacheDir: await cacheDir(),
      onHttpRequest: (request) => requests.push(request),
    });
    const app = application("team/live", "build-5");
    const updater = createUpdater({
      source: { id: "test", list: async () => [app] },
      registry: registries.client,
      dryRun: true,
    });
    const cycle = async () => {
      requests.length = 0;
      const image = (await updater.runOnce()).results[0]?.images[0];
      const count = (method: string) =>
        requests.filter((r) => r.method === method && r.kind === "manifest" && r.status === 200).length;
      return { image, heads: count("HEAD"), manifests: count("GET") };
    };

    const cold = await cycle();
    const warm = await cycle();
    const [again] = await pushImages(registry, "team/live", [build("build-7", 17)]);
    const moved = await cycle();
    await registries.client.dispose?.();

    expect(cold.image).toMatchObject({ newTag: "build-7", newDigest: first?.digest });
    // Tags read by tag this cycle are as fresh as a HEAD would make them.
    expect({ heads: cold.heads, manifests: cold.manifests }).toEqual({ heads: 0, manifests: 2 });
    // The winner is asked, then the running build-5 that the downgrade guard compares with.
    expect({ heads: warm.heads, manifests: warm.manifests }).toEqual({ heads: 2, manifests: 0 });
    expect(moved.image).toMatchObject({ newTag: "build-7", newDigest: again?.digest });
    expect({ heads: moved.heads, manifests: moved.manifests }).toEqual({ heads: 2, manifests: 1 });
  });
});
