import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBareRepo, readBranchFiles, readBranchLog, tempDir } from "@image-updater/bench";
import type { Application, ApplicationSource } from "@image-updater/core";
import { createMemoryRegistry, createUpdater } from "@image-updater/core";
import { startWebhookDouble } from "@image-updater/doubles";
import { createCliGitWriter, createPullRequestProvider } from "@image-updater/git-adapters";
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
    const registry = createMemoryRegistry({
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

describe("engine application filters", () => {
  function labelled(name: string, labels: Record<string, string>): Application {
    return { ...app(name, ".", {}, "https://git.example.test/repo.git"), labels };
  }
  const applications = [
    labelled("myapp-staging", { env: "staging" }),
    labelled("myapp-production", { env: "prod" }),
    labelled("other", {}),
  ];

  it.each([
    [[], undefined, ["myapp-staging", "myapp-production", "other"]],
    [["myapp-*"], undefined, ["myapp-staging", "myapp-production"]],
    [["*-staging", "oth?r"], undefined, ["myapp-staging", "other"]],
    [[], "env in (prod,staging)", ["myapp-staging", "myapp-production"]],
    [["myapp-*"], "env!=prod", ["myapp-staging"]],
  ])("names %j and selector %j check %j", async (names, label, expected) => {
    const source: ApplicationSource = { id: "static", list: async () => applications };
    const registry = createMemoryRegistry({ images: [] });
    const updater = createUpdater({
      source,
      registry,
      matchApplicationName: names,
      ...(label === undefined ? {} : { matchApplicationLabel: label }),
    });
    const checked: string[] = [];
    updater.on("application:checking", (event) => checked.push(event.application.name));

    const result = await updater.runOnce();
    await updater.dispose();

    expect(checked.sort()).toEqual([...expected].sort());
    expect(result.applications).toBe(expected.length);
  });
});

describe("pull requests for write branches", () => {
  it("opens one through the webhook provider the daemon wires, with the commit message as title and body", async () => {
    const root = tempDir("engine-pr");
    const cache = mkdtempSync(join(tmpdir(), "engine-pr-cache-"));
    const hook = await startWebhookDouble();
    try {
      const bare = await createBareRepo(root, "manifests", {
        "production/deployment.yaml":
          "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: docker.io/myorg/myapp:1.0.0\n",
      });
      const registry = createMemoryRegistry({
        images: [{ registry: "docker.io", repository: "myorg/myapp", tags: ["1.0.0", "1.3.0"] }],
      });
      const production = app(
        "myapp-production",
        "production",
        {
          [`${PREFIX}/app.update-strategy`]: "semver",
          [`${PREFIX}/write-back-method`]: "git:branch",
          [`${PREFIX}/git-branch`]: "main",
          [`${PREFIX}/git-branch-prefix`]: "image-update/",
        },
        `file://${bare}`,
      );
      const updater = createUpdater({
        source: { id: "static", list: async () => [production] },
        registry,
        git: createCliGitWriter({ cacheDir: cache }),
        pullRequests: createPullRequestProvider({
          provider: "webhook",
          apiUrl: null,
          webhookUrl: hook.url,
          token: "Bearer hook-secret",
        }),
      });
      const opened: string[] = [];
      updater.on("pullrequest:opened", (event) => opened.push(`${event.branch} ${event.url}`));

      const result = await updater.runOnce();
      await updater.dispose();

      expect(opened).toEqual(["image-update/myapp-1.3.0 https://prs.example.com/1"]);
      expect(result.results[0]?.pullRequest).toBe("https://prs.example.com/1");
      expect(hook.requests).toHaveLength(1);
      expect(hook.requests[0]?.headers.authorization).toBe("Bearer hook-secret");
      expect(hook.requests[0]?.body).toMatchObject({
        head: "image-update/myapp-1.3.0",
        base: "main",
        title: "build: automatic update of myapp-production",
      });
    } finally {
      await hook.stop();
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe("engine scheduling", () => {
  const watched = app("myapp", ".", {}, "https://git.example.test/repo.git");
  const source: ApplicationSource = { id: "static", list: async () => [watched] };

  it("trigger(image) checks only the applications watching that image", async () => {
    const updater = createUpdater({ source, registry: createMemoryRegistry({ images: [] }) });

    const other = await updater.trigger("ghcr.io/someone/else");
    const mine = await updater.trigger("myorg/myapp:9.9.9");
    await updater.dispose();

    expect(other.applications).toBe(0);
    expect(mine.applications).toBe(1);
  });

  it("start() runs a cycle at once, never overlaps cycles, and stop() waits for the running one", async () => {
    let listing = 0;
    let overlapping = 0;
    let calls = 0;
    const slow: ApplicationSource = {
      id: "slow",
      list: async () => {
        calls++;
        listing++;
        overlapping = Math.max(overlapping, listing);
        await new Promise((resolve) => setTimeout(resolve, 50));
        listing--;
        return [watched];
      },
    };
    const updater = createUpdater({
      source: slow,
      registry: createMemoryRegistry({ images: [] }),
      intervalMs: 10,
    });
    const finished = new Promise<void>((resolve) => updater.once("cycle:finished", () => resolve()));

    updater.start();
    const manual = updater.runOnce();
    await finished;
    await manual;
    await updater.stop();
    const afterStop = calls;
    await new Promise((resolve) => setTimeout(resolve, 60));
    await updater.dispose();

    expect(overlapping).toBe(1);
    expect(afterStop).toBeGreaterThanOrEqual(2);
    expect(calls).toBe(afterStop);
    expect(updater.running).toBe(false);
  });
});
