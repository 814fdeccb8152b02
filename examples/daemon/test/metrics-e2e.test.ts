import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import { seedApplications } from "../src/demo/applications.js";
import { createGitopsRepository, seedManifests } from "../src/demo/gitops-repo.js";
import { createOciLayoutWriter } from "../src/demo/oci-layout-writer.js";

const IMAGE = "docker.io/myorg/myapp";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-metrics-e2e-"));
  const repoUrl = await createGitopsRepository(join(dir, "remote"), seedManifests(IMAGE, "1.0.0"));
  await mkdir(join(dir, "applications"));
  for (const [name, text] of Object.entries(seedApplications(repoUrl, IMAGE))) {
    await writeFile(join(dir, "applications", name), text);
  }
  const layout = await createOciLayoutWriter(join(dir, "registry", "docker.io", "myorg", "myapp"));
  await layout.push({ tag: "1.0.0", created: new Date("2026-01-01T00:00:00Z") });
  await layout.push({ tag: "1.2.3", created: new Date("2026-01-02T00:00:00Z") });
  await writeFile(
    join(dir, "registries.conf"),
    `registries:\n- name: layout\n  prefix: docker.io\n  api_url: file://${join(dir, "registry")}\n`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function poll(url: string): Promise<Response> {
  for (let i = 0; ; i++) {
    const response = await fetch(url);
    if (response.status === 200 || i >= 500) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("image-updater run with the real engine", () => {
  it("serves metrics counted from the engine's events after the first cycle", async () => {
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
        "0",
        "--interval",
        "1h",
      ],
      { stdout: (t) => logs.push(t), stderr: (t) => logs.push(t), env: {}, signal: controller.signal },
      { onListening: (p) => (ports = p) },
    );
    while (ports.health === null) await new Promise((resolve) => setTimeout(resolve, 20));

    const ready = await poll(`http://127.0.0.1:${ports.health}/readyz`);
    const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    controller.abort();
    const code = await exit;

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
    expect(logs.join("")).toContain('msg="Successfully updated image');
  }, 120_000);
});
