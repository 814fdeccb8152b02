/**
 * GitOps files against the document limit core shares with the Application reader: files are parsed in
 * slices that let the event loop turn, and a file over the limit is refused with a diagnostic and never written.
 */
import { describe, expect, it } from "vitest";
import { planWriteBack } from "../src/editors/plan.js";
import {
  type Application,
  createMemoryGitWriter,
  createMemoryRegistry,
  createMemorySource,
  createUpdater,
  type ImageChange,
  MAX_DOCUMENTS_PER_FILE,
} from "../src/index.js";
import { apply, repository } from "./editors-fixtures.js";

const PREFIX = "argocd-image-updater.argoproj.io";
const REPO = "https://git.example.test/org/deploy.git";

function deployment(name: string, image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image} # pinned\n`;
}

/** `count` documents: the watched Deployment first, then ConfigMaps. */
function manyDocuments(image: string, count: number): string {
  const filler = Array.from(
    { length: count - 1 },
    (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  key: "${i}"\n`,
  );
  return [deployment("app", image), ...filler].join("");
}

/** Runs `work` with a 1 ms interval beside it, and counts how often the interval fired meanwhile. */
async function countTicks<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  try {
    return { result: await work(), ticks };
  } finally {
    clearInterval(ticker);
  }
}

const change: ImageChange = { alias: "app", image: "docker.io/org/one", newTag: "1.1.0" };
const app = { namespace: "argocd", name: "a" };

describe("GitOps files and the document limit", () => {
  it("gives the event loop turns while it plans an edit of a file at the document limit, and edits it in place", async () => {
    const text = manyDocuments("docker.io/org/one:1.0.0", MAX_DOCUMENTS_PER_FILE);
    const files = repository({ "apps/a/deployment.yaml": text });

    const { result: plan, ticks } = await countTicks(() =>
      planWriteBack({ files, application: app, sourcePath: "apps/a", sourceType: "Directory", changes: [change] }),
    );

    expect(ticks).toBeGreaterThan(0);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(plan.changedImages).toEqual(["app"]);
    const edited = apply(plan.changes[0]!, text);
    expect(edited).toBe(text.replace("docker.io/org/one:1.0.0", "docker.io/org/one:1.1.0"));
  });

  it("refuses a file of 100 000 documents with a diagnostic naming the file and the limit, after parsing in slices", async () => {
    const text = manyDocuments("docker.io/org/one:1.0.0", 100_000);
    const files = repository({ "apps/a/deployment.yaml": text });

    const { result: plan, ticks } = await countTicks(() =>
      planWriteBack({ files, application: app, sourcePath: "apps/a", sourceType: "Directory", changes: [change] }),
    );

    expect(ticks).toBeGreaterThan(0);
    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "error",
        key: "apps/a/deployment.yaml",
        message: expect.stringContaining(`more than ${MAX_DOCUMENTS_PER_FILE} documents`),
      }),
    );
  });
});

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

describe("engine over memory adapters, a GitOps file over the document limit", () => {
  it("writes nothing for that application, says why, and commits the healthy one", async () => {
    const huge = manyDocuments("docker.io/org/one:1.0.0", 100_000);
    const healthy = deployment("app", "docker.io/org/two:1.0.0");
    const git = createMemoryGitWriter();
    git.seed(REPO, { "apps/a/deployment.yaml": huge, "apps/b/deployment.yaml": healthy });
    const registry = createMemoryRegistry({
      images: ["org/one", "org/two"].flatMap((repository) => [
        { registry: "docker.io", repository, tags: ["1.0.0"], createdAt: "2026-01-01T00:00:00Z" },
        { registry: "docker.io", repository, tags: ["1.1.0"], createdAt: "2026-02-01T00:00:00Z" },
      ]),
    });
    const source = createMemorySource({
      applications: [application("a", "docker.io/org/one"), application("b", "docker.io/org/two")],
    });
    const updater = createUpdater({ source, registry, git });

    const result = await updater.runOnce();
    await updater.dispose();

    const remote = git.remote(REPO);
    expect(remote.read("main", "apps/a/deployment.yaml")).toBe(huge);
    expect(remote.read("main", "apps/b/deployment.yaml")).toBe(deployment("app", "docker.io/org/two:1.1.0"));
    expect(remote.log("main")).toHaveLength(2);
    const refused = result.results.find((r) => r.application.name === "a");
    expect(refused?.writeBack).toBe("none");
    expect(refused?.error).toContain("apps/a/deployment.yaml");
    expect(refused?.error).toContain(`more than ${MAX_DOCUMENTS_PER_FILE} documents`);
    const committed = result.results.find((r) => r.application.name === "b");
    expect(committed?.writeBack).toBe("committed");
  });
});
