import { describe, expect, it } from "vitest";
import { parseApplicationAnnotations } from "../src/config/annotations.js";
import {
  type Application,
  type ApplicationSourceSpec,
  type BranchViews,
  declaredSourceType,
  locateWriteBack,
  readApplicationImages,
  writeBackSource,
} from "../src/index.js";
import { memoryFiles } from "./memory-files.js";

const P = "argocd-image-updater.argoproj.io";

/** Branch views over in-memory repositories, recording which (repository, branch) was opened. */
function views(repositories: Record<string, Record<string, string>>, opened: string[] = []): BranchViews {
  return {
    async open(repository, branch) {
      opened.push(`${repository.url}@${branch}`);
      const tree = repositories[repository.url];
      return tree === undefined ? null : memoryFiles(tree);
    },
  };
}

function application(
  spec: Application["spec"],
  annotations: Record<string, string>,
  status?: Application["status"],
): Application {
  return {
    namespace: "argocd",
    name: "web",
    labels: {},
    annotations,
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

function configOf(app: Application) {
  return parseApplicationAnnotations(app.annotations, { application: app }).config;
}

const CHARTS = "https://charts.example.com";
const VALUES = "https://git.example.com/org/values.git";
const chartSource: ApplicationSourceSpec = {
  repoURL: CHARTS,
  chart: "web",
  targetRevision: "1.0.0",
  helm: { valueFiles: ["$values/apps/web/values.yaml"] },
};
const valuesSource: ApplicationSourceSpec = { repoURL: VALUES, targetRevision: "main", ref: "values" };
const helmAnnotations = {
  [`${P}/image-list`]: "web=ghcr.io/org/web",
  [`${P}/web.helm.image-name`]: "image.repository",
  [`${P}/web.helm.image-tag`]: "image.tag",
  [`${P}/write-back-method`]: "git",
};

describe("writeBackSource", () => {
  it("picks the source whose repoURL names the write-back repository, whatever its spelling", () => {
    const app = application({ sources: [chartSource, valuesSource] }, {});

    expect(writeBackSource(app, "https://GIT.example.com/org/values/")).toBe(valuesSource);
    expect(writeBackSource(app, "https://elsewhere.example.com/x.git")).toBe(chartSource);
  });

  it("without a write-back repository, a chart from a Helm repository yields to its `$ref` values source", () => {
    expect(writeBackSource(application({ sources: [chartSource, valuesSource] }, {}))).toBe(valuesSource);
    const plain = { repoURL: VALUES, path: "apps/web" };
    expect(writeBackSource(application({ sources: [plain, valuesSource] }, {}))).toBe(plain);
    expect(writeBackSource(application({ source: plain }, {}))).toBe(plain);
  });
});

describe("declaredSourceType", () => {
  it("takes status.sourceType for a single source, the source's own fields otherwise", () => {
    const kustomize = { repoURL: VALUES, kustomize: {} };

    expect(declaredSourceType(application({ source: kustomize }, {}, { sourceType: "Helm" }), kustomize)).toBe("Helm");
    expect(
      declaredSourceType(application({ sources: [chartSource, kustomize] }, {}, { sourceType: "Helm" }), kustomize),
    ).toBe("Kustomize");
    expect(declaredSourceType(application({ source: valuesSource }, {}), valuesSource)).toBeUndefined();
  });
});

describe("locateWriteBack", () => {
  it("a multi-source Application writes its `$values/…` file in the values repository", () => {
    const app = application({ sources: [chartSource, valuesSource] }, helmAnnotations);

    expect(locateWriteBack(app, configOf(app))).toEqual({
      source: valuesSource,
      repoUrl: VALUES,
      baseBranch: "main",
      sourcePath: "",
      target: { kind: "helmvalues", path: "/apps/web/values.yaml" },
    });
  });

  it("a `ref` source that also renders its own path keeps the usual default", () => {
    const rendering = { ...valuesSource, path: "apps/web" };
    const app = application({ sources: [chartSource, rendering] }, helmAnnotations);

    expect(locateWriteBack(app, configOf(app))).toMatchObject({ source: rendering, target: { kind: "default" } });
  });

  it("keeps an explicit target and git-repository", () => {
    const app = application(
      { sources: [chartSource, valuesSource] },
      {
        ...helmAnnotations,
        [`${P}/git-repository`]: VALUES,
        [`${P}/write-back-target`]: "helmvalues:/other/values.yaml",
      },
    );

    expect(locateWriteBack(app, configOf(app))).toMatchObject({
      source: valuesSource,
      repoUrl: VALUES,
      target: { kind: "helmvalues", path: "/other/values.yaml" },
    });
  });
});

describe("readApplicationImages", () => {
  it("reads a multi-source Application's tag from the values repository, not the chart's", async () => {
    const app = application({ sources: [chartSource, valuesSource] }, helmAnnotations);
    const opened: string[] = [];
    const repositories = {
      [VALUES]: { "apps/web/values.yaml": "image:\n  repository: ghcr.io/org/web\n  tag: 1.20 # pinned\n" },
    };

    const images = await readApplicationImages({
      application: app,
      config: configOf(app),
      views: views(repositories, opened),
      repository: async (location) => (location.repoUrl === undefined ? undefined : { url: location.repoUrl }),
      argocdNamespace: "argocd",
    });

    expect(opened).toEqual([`${VALUES}@main`]);
    expect(images.from).toBe("git");
    expect(images.running[0]).toEqual({ registry: "ghcr.io", repository: "org/web", tag: "1.20" });
  });

  it("reads nothing past the write-back target when it holds every image", async () => {
    const app = application({ sources: [chartSource, valuesSource] }, helmAnnotations);
    const tree = memoryFiles({
      "apps/web/values.yaml": "image:\n  repository: ghcr.io/org/web\n  tag: 1.0.0\n",
      "other/deployment.yaml": "kind: Pod\nspec:\n  containers:\n    - image: ghcr.io/org/web:0.1.0\n",
    });
    const reads: string[] = [];
    const counted = {
      ...tree,
      readFile: (path: string) => {
        reads.push(path);
        return tree.readFile(path);
      },
      listFiles: (dir: string) => {
        reads.push(`list ${dir}`);
        return tree.listFiles(dir);
      },
    };

    const images = await readApplicationImages({
      application: app,
      config: configOf(app),
      views: { open: async () => counted },
      repository: async () => ({ url: VALUES }),
      argocdNamespace: "argocd",
    });

    expect(images.running).toEqual([{ registry: "ghcr.io", repository: "org/web", tag: "1.0.0" }]);
    expect(reads).toEqual(["apps/web/values.yaml"]);
  });

  it("status.summary.images first: Git is not read and no credentials are looked up", async () => {
    const app = application({ source: { repoURL: VALUES, path: "web" } }, helmAnnotations, {
      summary: { images: ["ghcr.io/org/web:1.0.0"] },
    });
    const opened: string[] = [];
    let lookups = 0;

    const images = await readApplicationImages({
      application: app,
      config: configOf(app),
      views: views({}, opened),
      repository: async () => {
        lookups++;
        return { url: VALUES };
      },
      argocdNamespace: "argocd",
    });

    expect(images).toMatchObject({ from: "status", running: [{ tag: "1.0.0" }] });
    expect(opened).toEqual([]);
    expect(lookups).toBe(0);
  });

  it("reads tags as written in every file it falls back to (`newTag: 1.20` stays 1.20)", async () => {
    const app = application(
      { source: { repoURL: VALUES, path: "kust", targetRevision: "main" } },
      {
        [`${P}/image-list`]: "web=ghcr.io/org/web",
        [`${P}/write-back-method`]: "git",
      },
    );
    const repositories = {
      [VALUES]: { "kust/kustomization.yaml": "images:\n  - name: ghcr.io/org/web\n    newTag: 1.20\n" },
    };

    const images = await readApplicationImages({
      application: app,
      config: configOf(app),
      views: views(repositories),
      repository: async () => ({ url: VALUES }),
      argocdNamespace: "argocd",
    });

    expect(images.running.map((image) => image.tag)).toContain("1.20");
    expect(images.running.map((image) => image.tag)).not.toContain("1.2");
  });
});
