/**
 * Robustness end to end: broken applications (bad annotation, missing image, unreachable registry) do not stop
 * the others in the same cycle, and a push race with another writer keeps both commits.
 */
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  gitCommitExternal,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  tempDir,
} from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  benchRegistriesConf,
  countOperations,
  createE2eUpdater,
  deployment,
  PREFIX,
  registryCredsSecret,
  semverGitApp,
  startTwoTagBench,
  writeTree,
} from "./e2e-fixture.js";

let registry: RegistryServer;
let http: GitHttpServer;
let image: string;

beforeAll(async () => {
  ({ registry, http } = await startTwoTagBench());
  image = `${registry.host}/myorg/myapp`;
}, 60_000);

afterAll(cleanupBench, 60_000);

async function setUp(repoName: string, apps: Record<string, { image: string; extra?: Record<string, string> }>) {
  const repoFiles: Record<string, string> = {};
  for (const [name, app] of Object.entries(apps)) {
    repoFiles[`${name}/deployment.yaml`] = deployment(name, `${app.image}:1.0.0`);
  }
  const bare = await createBareRepo(http.root, repoName, repoFiles);
  const repoUrl = http.repoUrl(repoName);
  const root = tempDir("e2e-robust");
  const tree: Record<string, string> = {
    "secrets/registry-creds.yaml": registryCredsSecret(registry),
  };
  for (const [name, app] of Object.entries(apps)) {
    tree[`apps/${name}.yaml`] = semverGitApp(name, repoUrl, name, app.image, app.extra);
  }
  await writeTree(root, tree);
  return {
    bare,
    repoFiles,
    dirs: { appsDir: `${root}/apps`, secretsDir: `${root}/secrets` },
    registriesConf: benchRegistriesConf(registry),
  };
}

describe("robustness", () => {
  it("keeps updating the healthy applications when others are misconfigured or their registry is down", async () => {
    const unreachable = "127.0.0.1:9/myorg/myapp";
    const setup = await setUp("robust", {
      "good-a": { image },
      "good-b": { image },
      "bad-annotation": { image, extra: { [`${PREFIX}/image-list`]: "app=myorg/my app" } },
      "missing-image": { image: `${registry.host}/myorg/ghost` },
      "registry-down": { image: unreachable },
    });
    const e2e = createE2eUpdater({ ...setup.dirs, registriesConf: setup.registriesConf });
    let result: Awaited<ReturnType<typeof e2e.runOnce>>;
    try {
      result = await e2e.runOnce();
    } finally {
      await e2e.dispose();
    }

    expect(result).toMatchObject({ applications: 5, imagesUpdated: 2, errors: 3 });
    const byName = Object.fromEntries(result.results.map((entry) => [entry.application.name, entry]));
    expect(byName["good-a"]).toMatchObject({ writeBack: "committed" });
    expect(byName["good-b"]).toMatchObject({ writeBack: "committed" });
    expect(byName["bad-annotation"]).toMatchObject({ writeBack: "none", images: [] });
    expect(byName["bad-annotation"]?.error).toContain("image-list");
    expect(byName["missing-image"]?.images[0]).toMatchObject({ outcome: "error", oldTag: "1.0.0" });
    expect(byName["registry-down"]?.images[0]).toMatchObject({ outcome: "error", oldTag: "1.0.0" });
    expect(e2e.events.filter((event) => event.includes(" failed ")).sort()).toEqual([
      expect.stringMatching(/^app failed bad-annotation: .*image-list/),
      expect.stringMatching(/^image failed missing-image: /),
      expect.stringMatching(/^image failed registry-down: /),
    ]);

    expect(result.commits).toHaveLength(1);
    const [commit] = await readBranchLog(setup.bare, "main");
    expect(commit?.subject).toBe("build: automatic update of good-a, good-b");
    const files = await readBranchFiles(setup.bare, "main");
    expect(files).toEqual({
      ...setup.repoFiles,
      "good-a/deployment.yaml": deployment("good-a", `${image}:1.1.0`),
      "good-b/deployment.yaml": deployment("good-b", `${image}:1.1.0`),
    });
  }, 300_000);

  it("keeps another writer's commit pushed between our fetch and our push", async () => {
    const setup = await setUp("race", { web: { image } });
    const pushes: number[] = [];
    let external = "";
    const e2e = createE2eUpdater({
      ...setup.dirs,
      registriesConf: setup.registriesConf,
      beforePush: async (context) => {
        pushes.push(context.attempt);
        if (context.attempt === 1) {
          external = await gitCommitExternal(setup.bare, "main", { "README.md": "# fleet\n" }, "docs: add a readme");
        }
      },
    });
    let result: Awaited<ReturnType<typeof e2e.runOnce>>;
    try {
      result = await e2e.runOnce();
    } finally {
      await e2e.dispose();
    }

    expect(result).toMatchObject({ imagesUpdated: 1, errors: 0 });
    expect(pushes).toEqual([1, 2]);
    const pushOutcomes = e2e.gitOperations.filter((op) => op.operation === "push").map((op) => op.ok);
    expect(pushOutcomes).toEqual([false, true]);
    expect(countOperations(e2e.gitOperations)).toMatchObject({ push: 2 });
    const log = await readBranchLog(setup.bare, "main");
    expect(log.map((entry) => entry.subject)).toEqual([
      "build: automatic update of web",
      "docs: add a readme",
      expect.any(String),
    ]);
    expect(log[1]?.sha).toBe(external);
    expect(result.commits).toEqual([expect.objectContaining({ branch: "main", sha: log[0]?.sha })]);
    const files = await readBranchFiles(setup.bare, "main");
    expect(files["README.md"]).toBe("# fleet\n");
    expect(files["web/deployment.yaml"]).toBe(deployment("web", `${image}:1.1.0`));
  }, 300_000);
});
