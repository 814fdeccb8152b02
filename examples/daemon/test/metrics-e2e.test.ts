import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedApplications } from "../src/demo/applications.js";
import { createGitopsRepository, seedManifests } from "../src/demo/gitops-repo.js";
import { poll, startDaemon, writeLayoutRegistry, writeSeedApplications } from "./cli-fixture.js";

const IMAGE = "docker.io/myorg/myapp";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-metrics-e2e-"));
  const repoUrl = await createGitopsRepository(join(dir, "remote"), seedManifests(IMAGE, "1.0.0"));
  await writeSeedApplications(dir, repoUrl, IMAGE);
  await writeLayoutRegistry(dir, [
    { tag: "1.0.0", created: "2026-01-01T00:00:00Z" },
    { tag: "1.2.3", created: "2026-01-02T00:00:00Z" },
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("image-updater run with the real engine", () => {
  it("serves metrics counted from the engine's events after the first cycle", async () => {
    const daemon = await startDaemon(dir, "0");

    const ready = await poll(`http://127.0.0.1:${daemon.ports.health}/readyz`);
    const metrics = await (await fetch(`http://127.0.0.1:${daemon.ports.metrics}/metrics`)).text();
    const code = await daemon.stop();

    expect(ready.status).toBe(200);
    expect(code).toBe(0);
    const value = (name: string) =>
      metrics
        .split("\n")
        .find((l) => l.startsWith(`${name} `))
        ?.split(" ")[1];
    expect.soft(value("argocd_image_updater_applications_watched_total")).toBe("2");
    expect.soft(value("argocd_image_updater_applications_watched")).toBe("2");
    expect.soft(value('argocd_image_updater_images_watched_total{application="argocd/myapp-staging"}')).toBe("1");
    expect.soft(value('argocd_image_updater_images_updated_total{application="argocd/myapp-staging"}')).toBe("1");
    expect.soft(value('argocd_image_updater_images_updated_total{application="argocd/myapp-production"}')).toBe("1");
    expect.soft(value("argocd_image_updater_images_updated")).toBe("2");
    expect.soft(value('argocd_image_updater_registry_requests_total{registry="docker.io"}')).toMatch(/^[1-9]\d*$/);
    expect.soft(value('argocd_image_updater_registry_response_time_count{registry="docker.io"}')).toMatch(/^[1-9]\d*$/);
    expect.soft(value("argocd_image_updater_cycles_total")).toBe("1");
    expect.soft(metrics).not.toContain("argocd_image_updater_images_errors_total{");
    expect(daemon.logs()).toContain('msg="Successfully updated image');
  }, 120_000);

  it("runs a cycle as soon as an Application changes, without waiting for the interval", async () => {
    const daemon = await startDaemon(dir, "off");
    await poll(`http://127.0.0.1:${daemon.ports.health}/readyz`);

    const staging = seedApplications("file:///unused", IMAGE)["app-staging.yaml"] ?? "";
    await writeFile(join(dir, "applications", "app-qa.yaml"), staging.replace("name: myapp-staging", "name: myapp-qa"));
    for (let i = 0; i < 600 && (daemon.logs().match(/msg="Processing results/g) ?? []).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const code = await daemon.stop();

    expect(code).toBe(0);
    expect(daemon.logs()).toContain(
      'msg="Application changed, running a cycle" application=myapp-qa namespace=argocd change=upsert',
    );
    // The watch's cycle checks the changed Application only.
    expect(daemon.logs()).toMatch(/considering 1 annotated application\(s\) for update" run=\S+ trigger=watch/);
    expect(daemon.logs().match(/msg="Processing results: applications=1 /g)).toHaveLength(1);
  }, 120_000);
});
