/**
 * The engine over core's memory adapters: what a cycle does to a repository, a registry and a source, with
 * no service involved. The same behaviours run over real adapters in `@image-updater/conformance`.
 */
import { describe, expect, it } from "vitest";
import {
  type Application,
  createMemoryGitWriter,
  createMemoryRegistry,
  createMemorySource,
  createUpdater,
  MAX_DOCUMENTS_PER_FILE,
  type MemoryGitWriter,
  type MemoryRegistry,
} from "../src/index.js";
import { manyDocuments } from "./editors-fixtures.js";

const PREFIX = "argocd-image-updater.argoproj.io";
const REPO = "https://git.example.test/org/deploy.git";

function deployment(image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image} # pinned\n`;
}

function application(name: string, image: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: `app=${image}`,
      [`${PREFIX}/write-back-method`]: "git",
      [`${PREFIX}/git-branch`]: "main",
    },
    spec: { source: { repoURL: REPO, path: `apps/${name}`, targetRevision: "main" } },
  };
}

function registryWith(...repositories: string[]): MemoryRegistry {
  return createMemoryRegistry({
    images: repositories.flatMap((repository) => [
      { registry: "docker.io", repository, tags: ["1.0.0"], createdAt: "2026-01-01T00:00:00Z" },
      { registry: "docker.io", repository, tags: ["1.1.0"], createdAt: "2026-02-01T00:00:00Z" },
    ]),
  });
}

/** A writer whose remote holds one deployment per app, each at 1.0.0 of its image. */
function gitWith(apps: Readonly<Record<string, string>>): MemoryGitWriter {
  const git = createMemoryGitWriter();
  git.seed(
    REPO,
    Object.fromEntries(
      Object.entries(apps).map(([name, image]) => [`apps/${name}/deployment.yaml`, deployment(`${image}:1.0.0`)]),
    ),
  );
  return git;
}

describe("engine over memory adapters", () => {
  it("writes two applications in one repository as one commit", async () => {
    const git = gitWith({ a: "docker.io/org/one", b: "docker.io/org/two" });
    const source = createMemorySource({
      applications: [application("a", "docker.io/org/one"), application("b", "docker.io/org/two")],
    });
    const updater = createUpdater({ source, registry: registryWith("org/one", "org/two"), git });

    const result = await updater.runOnce();
    await updater.dispose();

    expect(result).toMatchObject({ applications: 2, imagesUpdated: 2, errors: 0 });
    const remote = git.remote(REPO);
    expect(remote.log("main")).toHaveLength(2);
    expect(result.commits).toEqual([{ repoUrl: REPO, branch: "main", sha: remote.tip("main") }]);
    expect(remote.read("main", "apps/a/deployment.yaml")).toBe(deployment("docker.io/org/one:1.1.0"));
    expect(remote.read("main", "apps/b/deployment.yaml")).toBe(deployment("docker.io/org/two:1.1.0"));
    expect(git.operations.filter((op) => op.operation === "push")).toHaveLength(1);
  });

  it("keeps both commits when another client pushes during the write", async () => {
    const git = gitWith({ a: "docker.io/org/one" });
    git.injectRace(REPO, "main", { "README.md": "theirs\n" }, "docs: theirs");
    const updater = createUpdater({
      source: createMemorySource({ applications: [application("a", "docker.io/org/one")] }),
      registry: registryWith("org/one"),
      git,
    });

    const result = await updater.runOnce();
    await updater.dispose();

    const remote = git.remote(REPO);
    expect(result).toMatchObject({ imagesUpdated: 1, errors: 0 });
    expect(remote.log("main").map((commit) => commit.subject)).toEqual([
      "build: automatic update of a",
      "docs: theirs",
      "seed",
    ]);
    expect(remote.read("main", "README.md")).toBe("theirs\n");
    expect(remote.read("main", "apps/a/deployment.yaml")).toBe(deployment("docker.io/org/one:1.1.0"));
    expect(git.operations.filter((op) => op.operation === "push").map((op) => op.outcome)).toEqual(["race", "ok"]);
  });

  it("writes nothing for an application whose manifest is over the document limit, says why, and commits the other", async () => {
    const huge = manyDocuments(deployment("docker.io/org/one:1.0.0"), 100_000);
    const git = createMemoryGitWriter();
    git.seed(REPO, { "apps/a/deployment.yaml": huge, "apps/b/deployment.yaml": deployment("docker.io/org/two:1.0.0") });
    const updater = createUpdater({
      source: createMemorySource({
        applications: [application("a", "docker.io/org/one"), application("b", "docker.io/org/two")],
      }),
      registry: registryWith("org/one", "org/two"),
      git,
    });

    const result = await updater.runOnce();
    await updater.dispose();

    const remote = git.remote(REPO);
    expect(remote.read("main", "apps/a/deployment.yaml")).toBe(huge);
    expect(remote.read("main", "apps/b/deployment.yaml")).toBe(deployment("docker.io/org/two:1.1.0"));
    expect(remote.log("main")).toHaveLength(2);
    const refused = result.results.find((r) => r.application.name === "a");
    expect(refused?.writeBack).toBe("none");
    expect(refused?.error).toContain("apps/a/deployment.yaml");
    expect(refused?.error).toContain(`more than ${MAX_DOCUMENTS_PER_FILE} documents`);
    expect(result.results.find((r) => r.application.name === "b")?.writeBack).toBe("committed");
  });

  it("updates the other applications when one application's registry fails", async () => {
    const git = gitWith({ a: "docker.io/org/one", b: "docker.io/org/broken" });
    const registry = registryWith("org/one", "org/broken");
    registry.fail("unavailable", "org/broken");
    const updater = createUpdater({
      source: createMemorySource({
        applications: [application("a", "docker.io/org/one"), application("b", "docker.io/org/broken")],
      }),
      registry,
      git,
    });

    const result = await updater.runOnce();
    await updater.dispose();

    expect(result).toMatchObject({ applications: 2, imagesUpdated: 1 });
    expect(result.errors).toBeGreaterThan(0);
    const remote = git.remote(REPO);
    expect(remote.read("main", "apps/a/deployment.yaml")).toBe(deployment("docker.io/org/one:1.1.0"));
    expect(remote.read("main", "apps/b/deployment.yaml")).toBe(deployment("docker.io/org/broken:1.0.0"));
    const broken = result.results.find((r) => r.application.name === "b");
    expect(broken?.images.map((image) => image.outcome)).toEqual(["error"]);
  });

  it("ends a cycle stuck on a registry that never answers when the updater is disposed, and commits nothing", async () => {
    const git = gitWith({ a: "docker.io/org/one" });
    const registry = createMemoryRegistry({
      timeoutMs: 600_000,
      images: [{ registry: "docker.io", repository: "org/one", tags: ["1.1.0"] }],
    });
    registry.fail("slow");
    const updater = createUpdater({
      source: createMemorySource({ applications: [application("a", "docker.io/org/one")] }),
      registry,
      git,
    });

    const cycle = updater.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await updater.dispose();
    const result = await cycle;

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.imagesUpdated).toBe(0);
    expect(result.commits).toEqual([]);
    expect(git.remote(REPO).log("main")).toHaveLength(1);
    expect(git.operations.filter((op) => op.operation === "push")).toEqual([]);
  });
});
