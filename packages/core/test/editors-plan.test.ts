import { describe, expect, it } from "vitest";
import {
  type ImageChange,
  isImageUpdaterError,
  joinRepoPath,
  planWriteBack,
  readCurrentImages,
  resolveRepoPath,
  type WriteBackPlanRequest,
} from "../src/index.js";
import { apply, repository } from "./editors-fixtures.js";

const deployment = (tag: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: myapp\nspec:\n  template:\n    spec:\n      containers:\n      - name: myapp\n        image: myorg/myapp:${tag}\n`;
const app = { namespace: "argocd", name: "myapp-production" };
const change: ImageChange = { alias: "app", image: "docker.io/myorg/myapp", newTag: "1.2.3" };

describe("joinRepoPath and resolveRepoPath", () => {
  it.each([
    ["production", "values.yaml", "production/values.yaml"],
    ["production", "/helm/values.yaml", "helm/values.yaml"],
    ["a/b", "../c/./d.yaml", "a/c/d.yaml"],
    ["", "", ""],
    [".", "x", "x"],
  ])("join(%j, %j) = %j", (base, target, expected) => {
    expect(joinRepoPath(base, target)).toBe(expected);
  });

  it.each([
    ["production", "../../etc/passwd"],
    ["", "/../x"],
    ["a", "C:\\x"],
    ["a", "b\0c"],
  ])("refuses join(%j, %j) with PATH_UNSAFE", (base, target) => {
    expect(() => joinRepoPath(base, target)).toThrow(expect.objectContaining({ code: "PATH_UNSAFE" }) as Error);
  });

  it("follows a symbolic link that stays inside", async () => {
    const files = repository({}, { "env/prod": "../manifests/production" });

    expect(await resolveRepoPath(files, "env", "prod/values.yaml")).toBe("manifests/production/values.yaml");
  });

  it.each([
    [{ "env/prod": "/etc" }, "absolute"],
    [{ "env/prod": "../../outside" }, "out of the repository"],
    [{ "env/prod": "loop", "env/loop": "prod" }, "too many"],
  ])("refuses links %j (%s)", async (links, message) => {
    const error = await resolveRepoPath(repository({}, links), "env", "prod/values.yaml").catch((e: unknown) => e);

    expect(isImageUpdaterError(error, "PATH_UNSAFE")).toBe(true);
    expect((error as Error).message).toContain(message);
  });
});

describe("planWriteBack", () => {
  it("edits a Directory application's manifests in place by default (the seed's deployment.yaml)", async () => {
    const files = repository({
      "production/deployment.yaml": deployment("1.2.2"),
      "production/nested/other.yaml": deployment("1.2.2"),
      "staging/deployment.yaml": deployment("latest"),
    });

    const plan = await planWriteBack({ files, application: app, sourcePath: "production", changes: [change] });

    expect(plan.changes.map((c) => c.path)).toEqual(["production/deployment.yaml"]);
    expect(apply(plan.changes[0], deployment("1.2.2"))).toBe(deployment("1.2.3"));
    expect(plan).toMatchObject({ changedImages: ["app"], diagnostics: [] });
  });

  it("recomputes the edit on top of a newer file (rebase) and composes with another application's edit", async () => {
    const files = repository({ "production/deployment.yaml": deployment("1.2.2") });
    const plan = await planWriteBack({ files, application: app, sourcePath: "production", changes: [change] });
    const theirs = deployment("1.2.2")
      .replace("replicas", "x")
      .replace("name: myapp\n        image", "name: myapp # edited\n        image");

    expect(apply(plan.changes[0], theirs)).toBe(theirs.replace("myorg/myapp:1.2.2", "myorg/myapp:1.2.3"));
    expect(apply(plan.changes[0], deployment("1.2.3"))).toBe(deployment("1.2.3"));
  });

  it("returns no change when everything is already in place", async () => {
    const files = repository({ "production/deployment.yaml": deployment("1.2.3") });

    const plan = await planWriteBack({ files, application: app, sourcePath: "production", changes: [change] });

    expect(plan).toMatchObject({ changes: [], changedImages: [], diagnostics: [] });
  });

  it("writes .argocd-source-<app>.yaml for a Helm application", async () => {
    const files = repository({ "chart/Chart.yaml": "name: x\n", "chart/values.yaml": "image: {}\n" });

    const plan = await planWriteBack({ files, application: app, sourcePath: "chart", changes: [change] });

    expect(plan.changes.map((c) => c.path)).toEqual(["chart/.argocd-source-myapp-production.yaml"]);
    expect(apply(plan.changes[0], null)).toBe(
      "helm:\n  parameters:\n  - name: image.name\n    value: docker.io/myorg/myapp\n    forcestring: true\n  - name: image.tag\n    value: 1.2.3\n    forcestring: true\n",
    );
  });

  it("names the override file <namespace>_<app> outside the Argo CD namespace", async () => {
    const request: WriteBackPlanRequest = {
      files: repository({ "k/kustomization.yaml": "resources: []\n" }),
      application: { namespace: "team-a", name: "web" },
      sourcePath: "k",
      changes: [change],
    };

    const plan = await planWriteBack(request);

    expect(plan.changes.map((c) => c.path)).toEqual(["k/.argocd-source-team-a_web.yaml"]);
    expect(apply(plan.changes[0], null)).toBe("kustomize:\n  images:\n  - docker.io/myorg/myapp:1.2.3\n");
  });

  it.each([
    ["kustomization", "overlays/prod/kustomization.yaml"],
    ["kustomization:.", "overlays/prod/kustomization.yaml"],
    ["kustomization:/base", "base/kustomization.yml"],
    ["helmvalues", "overlays/prod/values.yaml"],
    ["helmvalues:/helm/values-prod.yaml", "helm/values-prod.yaml"],
    ["helmvalues:extra.yaml", "overlays/prod/extra.yaml"],
    ["custom/params.yaml", "custom/params.yaml"],
  ])("target %s writes %s", async (target, path) => {
    const files = repository({
      "overlays/prod/kustomization.yaml": "images: []\n",
      "base/kustomization.yml": "resources: []\n",
      "overlays/prod/values.yaml": "image: {}\n",
      "helm/values-prod.yaml": "image:\n  tag: 1.0.0\n",
    });

    const plan = await planWriteBack({
      files,
      application: app,
      sourcePath: "overlays/prod",
      target,
      changes: [change],
    });

    expect(plan.changes.map((c) => c.path)).toEqual([path]);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("fills Flux setter markers for the `flux` target", async () => {
    const text = 'image: ghcr.io/org/app:1.0.0 # {"$imagepolicy": "flux-system:app"}\n';
    const files = repository({ "clusters/prod/app.yaml": text, "clusters/prod/readme.md": "x" });

    const plan = await planWriteBack({
      files,
      application: app,
      target: "flux:/clusters",
      changes: [{ image: "ghcr.io/org/app", newTag: "1.1.0", imagePolicy: "flux-system:app" }],
    });

    expect(plan.changes.map((c) => c.path)).toEqual(["clusters/prod/app.yaml"]);
    expect(apply(plan.changes[0], text)).toBe(text.replace("1.0.0", "1.1.0"));
  });

  it("finds the policy of an image that names none from the markers holding its name, and fills its tag markers", async () => {
    const text = [
      "spec:",
      '  image: ghcr.io/org/app # {"$imagepolicy": "flux-system:web:name"}',
      '  tag: 1.0.0 # {"$imagepolicy": "flux-system:web:tag"}',
      '  other: 2.0.0 # {"$imagepolicy": "flux-system:other:tag"}',
      "",
    ].join("\n");
    const files = repository({ "apps/web.yaml": text });

    const plan = await planWriteBack({
      files,
      application: app,
      target: "flux",
      changes: [{ image: "ghcr.io/org/app", newTag: "1.1.0" }],
    });

    expect(plan.diagnostics).toEqual([]);
    expect(apply(plan.changes[0], text)).toBe(text.replace("tag: 1.0.0", "tag: 1.1.0"));
    const current = await readCurrentImages({
      files,
      application: app,
      target: "flux",
      images: [{ image: "ghcr.io/org/app" }],
    });
    expect(current.images.get("ghcr.io/org/app")).toEqual({ path: "apps/web.yaml", tag: "1.0.0" });
  });

  it("finds the policy named after the alias when only tag markers exist", async () => {
    const text = 'tag: 1.0.0 # {"$imagepolicy": "flux-system:podinfo:tag"}\n';
    const plan = await planWriteBack({
      files: repository({ "podinfo.yaml": text }),
      application: app,
      target: "flux",
      changes: [{ alias: "podinfo", image: "ghcr.io/stefanprodan/podinfo", newTag: "6.5.0" }],
    });

    expect(apply(plan.changes[0], text)).toBe(text.replace("1.0.0", "6.5.0"));
  });

  it("a made-up target text is the config parser's error, and nothing is written", async () => {
    const plan = await planWriteBack({
      files: repository({ flux: "x" }),
      application: app,
      target: "flux2",
      changes: [change],
    });

    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        key: "write-back-target",
        message: expect.stringContaining("`flux[:<dir or file>]`"),
      }),
    ]);
  });

  it.each([
    ["helmvalues:../../../etc/passwd", "PATH_UNSAFE"],
    ["kustomization:missing", "no kustomization.yaml"],
  ])("refuses %s with an error diagnostic and no change", async (target, message) => {
    const plan = await planWriteBack({
      files: repository({ "a/values.yaml": "x: 1\n" }),
      application: app,
      sourcePath: "a",
      target,
      changes: [change],
    });

    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics).toContainEqual(expect.objectContaining({ severity: "error" }));
    expect(JSON.stringify(plan.diagnostics)).toContain(message === "PATH_UNSAFE" ? "refusing path" : message);
  });

  it("refuses to write through a symbolic link leading out", async () => {
    const files = repository({}, { "a/values.yaml": "../../../etc/shadow" });

    const plan = await planWriteBack({
      files,
      application: app,
      sourcePath: "a",
      target: "helmvalues",
      changes: [change],
    });

    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics).toContainEqual(expect.objectContaining({ severity: "error", key: "a/values.yaml" }));
  });

  it("warns when no manifest references a watched image", async () => {
    const files = repository({ "p/deployment.yaml": deployment("1.0") });

    const plan = await planWriteBack({
      files,
      application: app,
      sourcePath: "p",
      changes: [{ image: "ghcr.io/org/unknown", newTag: "2" }],
    });

    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics).toContainEqual(expect.objectContaining({ severity: "warning", key: "p" }));
  });
});

describe("readCurrentImages", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  const files = repository({
    "dir/deployment.yaml": deployment(`1.2.2@${digest}`),
    "dir/.argocd-source-myapp-production.yaml":
      "helm:\n  parameters:\n  - name: image.tag\n    value: '1.20'\nkustomize:\n  images:\n  - ghcr.io/org/worker:3.0\n",
    "k/kustomization.yaml": "images:\n- name: app\n  newName: docker.io/myorg/myapp\n  newTag: 1.2.0\n",
    "v/values.yaml": "image:\n  tag: 1.10 # plain\ncanary.spec: myorg/myapp:9.9\n",
    "f/app.yaml": 'image: ghcr.io/org/flux:4.0.0@sha256:bb # {"$imagepolicy": "ns:flux"}\n',
  });

  it.each([
    [
      "default (Directory)",
      "dir",
      undefined,
      { image: "docker.io/myorg/myapp" },
      { tag: "1.2.2", digest, path: "dir/deployment.yaml" },
    ],
    [
      "default (Helm)",
      "dir",
      undefined,
      { image: "nginx" },
      { tag: "1.20", path: "dir/.argocd-source-myapp-production.yaml" },
    ],
    [
      "kustomization",
      "k",
      "kustomization",
      { image: "docker.io/myorg/myapp" },
      { tag: "1.2.0", path: "k/kustomization.yaml" },
    ],
    ["helmvalues keeps the spelling", "v", "helmvalues", { image: "nginx" }, { tag: "1.10", path: "v/values.yaml" }],
    [
      "helmvalues spec",
      "v",
      "helmvalues",
      { image: "myorg/myapp", helm: { spec: "canary.spec" } },
      { tag: "9.9", path: "v/values.yaml" },
    ],
    [
      "flux",
      "",
      "flux:/f",
      { image: "ghcr.io/org/flux", imagePolicy: "ns:flux" },
      { tag: "4.0.0", digest: "sha256:bb", path: "f/app.yaml" },
    ],
  ])("%s", async (_name, sourcePath, target, image, expected) => {
    const sourceType = _name === "default (Helm)" ? "Helm" : undefined;

    const result = await readCurrentImages({
      files,
      application: app,
      sourcePath,
      ...(target === undefined ? {} : { target }),
      ...(sourceType === undefined ? {} : { sourceType }),
      images: [image],
    });

    expect(result.images.get(image.image)).toEqual(expected);
    expect(result.diagnostics).toEqual([]);
  });

  it("leaves out images the target does not mention", async () => {
    const result = await readCurrentImages({
      files,
      application: app,
      sourcePath: "dir",
      images: [{ image: "redis" }],
    });

    expect(result.images.size).toBe(0);
  });
});
