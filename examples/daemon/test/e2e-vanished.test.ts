/**
 * A running tag deleted from the registry: newest-build never moves below it, and the engine says so with an
 * `image:vanished` event (logged as a warning, counted by `argocd_image_updater_images_vanished_total`).
 */
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  pushImages,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  startGitHttpServer,
  startRegistry,
  tempDir,
} from "@image-updater/bench";
import type { ImageVanishedEvent } from "@image-updater/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDaemonMetrics } from "../src/metrics/metrics.js";
import { createE2eUpdater, deployment, PREFIX, semverGitApp, writeTree } from "./e2e-fixture.js";

let registry: RegistryServer;
let http: GitHttpServer;

beforeAll(async () => {
  [registry, http] = await Promise.all([startRegistry(), startGitHttpServer()]);
}, 60_000);
afterAll(cleanupBench, 60_000);

describe("a running tag that vanished from the registry", () => {
  it("is an event and a metric, never a downgrade commit", async () => {
    const pushed = await pushImages(
      registry,
      "team/builds",
      [3, 4, 5].map((n) => ({ tags: [`build-${n}`], created: `2026-01-0${n}T00:00:00Z` })),
    );
    const deleted = await fetch(`${registry.url}/v2/team/builds/manifests/${pushed[2]?.digest}`, { method: "DELETE" });
    expect(deleted.status).toBe(202);
    const image = `${registry.host}/team/builds`;
    const bare = await createBareRepo(http.root, "vanished", {
      "app/deployment.yaml": deployment("app", `${image}:build-5`),
    });
    const root = tempDir("e2e-vanished");
    await writeTree(root, {
      "apps/app.yaml": semverGitApp("app", http.repoUrl("vanished"), "app", image, {
        [`${PREFIX}/app.update-strategy`]: "newest-build",
      }),
      "secrets/.keep": "",
    });
    const e2e = createE2eUpdater({
      appsDir: `${root}/apps`,
      secretsDir: `${root}/secrets`,
      registriesConf: `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
    });
    const metrics = createDaemonMetrics({ processMetrics: false });
    metrics.observe(e2e.updater);
    const vanished: ImageVanishedEvent[] = [];
    e2e.updater.on("image:vanished", (event) => vanished.push(event));
    const before = await readBranchLog(bare, "main");

    let result: Awaited<ReturnType<typeof e2e.runOnce>>;
    try {
      result = await e2e.runOnce();
    } finally {
      await e2e.dispose();
    }

    expect(result.imagesUpdated).toBe(0);
    expect(result.results[0]?.images[0]).toMatchObject({ outcome: "no-candidate", oldTag: "build-5", newTag: null });
    expect(vanished).toEqual([expect.objectContaining({ alias: "app", image, tag: "build-5" })]);
    expect(await metrics.text()).toContain('argocd_image_updater_images_vanished_total{application="argocd/app"} 1');
    expect(await readBranchLog(bare, "main")).toEqual(before);
    expect((await readBranchFiles(bare, "main"))["app/deployment.yaml"]).toContain(":build-5 #");
  });
});
