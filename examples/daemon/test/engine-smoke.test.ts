import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Application, ApplicationSource } from "@image-updater/core";
import { createUpdater } from "@image-updater/core";
import { createCliGitWriter } from "@image-updater/git-adapters";
import { createInMemoryRegistryClient } from "@image-updater/registry-adapters";
import { createBareRepo, readBranchFiles, readBranchLog, tempDir } from "@image-updater/test/bench";
import { afterAll, describe, expect, it } from "vitest";

const PREFIX = "argocd-image-updater.argoproj.io";

function app(name: string, path: string, annotations: Record<string, string>, repoURL: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: { [`${PREFIX}/image-list`]: "app=docker.io/myorg/myapp", ...annotations },
    spec: { source: { repoURL, path, targetRevision: "main" } },
  };
}

describe("engine smoke", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("commits staging on main and production on an image-update branch", async () => {
    const root = tempDir("engine-smoke");
    const cache = mkdtempSync(join(tmpdir(), "engine-cache-"));
    dirs.push(cache);
    const deployment = (tag: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: myapp\nspec:\n  template:\n    spec:\n      containers:\n        - name: myapp\n          image: docker.io/myorg/myapp:${tag} # pinned by CI\n`;
    const bare = await createBareRepo(root, "manifests", {
      "staging/deployment.yaml": deployment("1.0.0"),
      "production/deployment.yaml": deployment("1.0.0"),
    });
    const url = `file://${bare}`;
    const registry = createInMemoryRegistryClient({
      images: [
        { registry: "docker.io", repository: "myorg/myapp", tags: ["1.0.0"], createdAt: "2026-01-01T00:00:00Z" },
        { registry: "docker.io", repository: "myorg/myapp", tags: ["1.2.3"], createdAt: "2026-02-01T00:00:00Z" },
        { registry: "docker.io", repository: "myorg/myapp", tags: ["1.2.4-beta"], createdAt: "2026-03-01T00:00:00Z" },
        { registry: "docker.io", repository: "myorg/myapp", tags: ["1.3.0"], createdAt: "2026-04-01T00:00:00Z" },
      ],
    });
    const applications = [
      app(
        "myapp-staging",
        "staging",
        {
          [`${PREFIX}/app.update-strategy`]: "latest",
          [`${PREFIX}/write-back-method`]: "git",
          [`${PREFIX}/git-branch`]: "main",
        },
        url,
      ),
      app(
        "myapp-production",
        "production",
        {
          [`${PREFIX}/app.update-strategy`]: "semver",
          [`${PREFIX}/app.allow-tags`]: "regexp:^[0-9]+\\.[0-9]+\\.[0-9]+$",
          [`${PREFIX}/write-back-method`]: "git:branch",
          [`${PREFIX}/git-branch`]: "main",
          [`${PREFIX}/git-branch-prefix`]: "image-update/",
        },
        url,
      ),
    ];
    const source: ApplicationSource = { id: "static", list: async () => applications };
    const events: string[] = [];
    const updater = createUpdater({ source, registry, git: createCliGitWriter({ cacheDir: cache }) });
    updater.on("image:updating", (e) => events.push(`${e.application.name} ${e.oldTag}->${e.newTag}`));
    updater.on("writeback:failed", (e) => events.push(`failed ${e.error.message}`));
    updater.on("image:failed", (e) => events.push(`image failed ${e.error.message}`));
    updater.on("application:failed", (e) => events.push(`app failed ${e.error.message}`));

    const first = await updater.runOnce();
    const second = await updater.runOnce();
    await updater.dispose();

    expect(events.sort()).toEqual([
      "myapp-production 1.0.0->1.3.0",
      "myapp-production 1.0.0->1.3.0",
      "myapp-staging 1.0.0->1.3.0",
    ]);
    expect(first).toMatchObject({ applications: 2, imagesUpdated: 2, errors: 0 });
    expect(first.commits).toHaveLength(2);
    expect(second).toMatchObject({ imagesUpdated: 0, errors: 0, commits: [] });
    const main = await readBranchFiles(bare, "main");
    expect(main["staging/deployment.yaml"]).toBe(deployment("1.3.0"));
    expect(main["production/deployment.yaml"]).toBe(deployment("1.0.0"));
    const branch = await readBranchFiles(bare, "image-update/myapp-1.3.0");
    expect(branch["production/deployment.yaml"]).toBe(deployment("1.3.0"));
    const log = await readBranchLog(bare, "main");
    expect(log[0]?.subject).toBe("build: automatic update of myapp-staging");
  });
});
