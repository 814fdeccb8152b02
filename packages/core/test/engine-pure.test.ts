import { describe, expect, it } from "vitest";
import { parseApplicationAnnotations } from "../src/config/annotations.js";
import { createApplicationFilter, parseLabelSelectorText } from "../src/engine/application-filter.js";
import { readDeployedImages } from "../src/engine/deployed-images.js";
import { applyChangesToSource } from "../src/engine/source-spec.js";
import type { Application, ApplicationSourceSpec, ImageChange } from "../src/index.js";
import { memoryFiles } from "./memory-files.js";

function app(name: string, labels: Record<string, string> = {}): Application {
  return { namespace: "argocd", name, labels, annotations: {}, spec: {} };
}

describe("application filter", () => {
  it.each([
    ["team=a", { team: "a" }, true],
    ["team=a", { team: "b" }, false],
    ["team==a,tier!=db", { team: "a", tier: "web" }, true],
    ["team==a,tier!=db", { team: "a", tier: "db" }, false],
    ["env in (prod, staging)", { env: "staging" }, true],
    ["env notin (prod)", {}, true],
    ["env notin (prod)", { env: "prod" }, false],
    ["legacy", { legacy: "yes" }, true],
    ["!legacy", { legacy: "yes" }, false],
    ["!legacy", {}, true],
  ])("`%s` on %j matches: %s", (selector, labels, expected) => {
    const filter = createApplicationFilter({ labels: selector });

    expect(filter(app("x", labels))).toBe(expected);
  });

  it("says what to write instead of a malformed selector", () => {
    expect(parseLabelSelectorText("team=a,=b")).toMatch(/`=b` is not a label selector requirement; write `key=value`/);
    expect(() => createApplicationFilter({ labels: "a b c" })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID" }),
    );
  });

  it("matches application names against any of the globs", () => {
    const filter = createApplicationFilter({ names: ["myapp-*", "other"] });

    expect(["myapp-staging", "other", "else"].map((name) => filter(app(name)))).toEqual([true, true, false]);
  });
});

describe("applyChangesToSource", () => {
  const change: ImageChange = {
    alias: "app",
    image: "docker.io/myorg/myapp",
    newTag: "1.3.0",
    helm: { name: "image.repository", tag: "image.tag" },
  };

  it("replaces the matching kustomize image and keeps the others", () => {
    const source: ApplicationSourceSpec = {
      repoURL: "https://example.test/repo.git",
      kustomize: { images: ["myorg/myapp:1.0.0", "nginx:1.25"] },
    };

    const updated = applyChangesToSource(source, [change], "Kustomize");

    expect(updated.kustomize?.images).toEqual(["docker.io/myorg/myapp:1.3.0", "nginx:1.25"]);
    expect(source.kustomize?.images).toEqual(["myorg/myapp:1.0.0", "nginx:1.25"]);
  });

  it("writes an override for kustomize.image-name", () => {
    const updated = applyChangesToSource({ repoURL: "r" }, [{ ...change, kustomizeImageName: "myapp" }], "Kustomize");

    expect(updated.kustomize?.images).toEqual(["myapp=docker.io/myorg/myapp:1.3.0"]);
  });

  it("sets Helm name and tag parameters with forceString, replacing by name", () => {
    const source: ApplicationSourceSpec = {
      repoURL: "r",
      helm: {
        parameters: [
          { name: "image.tag", value: "1.0.0" },
          { name: "replicas", value: "2" },
        ],
      },
    };

    const updated = applyChangesToSource(source, [change], "Helm");

    expect(updated.helm?.parameters).toEqual([
      { name: "image.tag", value: "1.3.0", forceString: true },
      { name: "replicas", value: "2" },
      { name: "image.repository", value: "docker.io/myorg/myapp", forceString: true },
    ]);
  });

  it("writes tag@digest for digest-pinned images and a spec parameter when configured", () => {
    const pinned: ImageChange = {
      ...change,
      newTag: "latest",
      newDigest: "sha256:abc",
      pinDigest: true,
      helm: { spec: "image.full" },
    };

    const updated = applyChangesToSource({ repoURL: "r" }, [pinned], "Helm");

    expect(updated.helm?.parameters).toEqual([
      { name: "image.full", value: "docker.io/myorg/myapp:latest@sha256:abc", forceString: true },
    ]);
  });
});

describe("readDeployedImages", () => {
  const config = parseApplicationAnnotations({
    "argocd-image-updater.argoproj.io/image-list": "app=docker.io/myorg/myapp",
    "argocd-image-updater.argoproj.io/app.helm.image-name": "image.repository",
  }).config;

  it("reads plain manifests, the override file first", async () => {
    const tree = memoryFiles({
      "staging/deployment.yaml":
        "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: myorg/myapp:1.2.3\n",
      "staging/.argocd-source-myapp.yaml": "kustomize:\n  images:\n    - myorg/myapp:1.3.0\n",
      "production/deployment.yaml":
        "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: myorg/myapp:9.9.9\n",
    });

    const found = await readDeployedImages({
      files: tree,
      application: app("myapp"),
      images: config.images,
      sourcePath: "staging",
      overrideFile: ".argocd-source-myapp.yaml",
    });

    expect(found.map((image) => `${image.registry}/${image.repository}:${image.tag}`)).toEqual([
      "docker.io/myorg/myapp:1.3.0",
      "docker.io/myorg/myapp:1.2.3",
    ]);
  });

  it("reads Helm values at the configured keys and kustomization images", async () => {
    const tree = memoryFiles({
      "chart/values.yaml": 'image:\n  repository: myorg/myapp\n  tag: "2.0.0"\n',
      "kust/kustomization.yaml": "images:\n  - name: myorg/myapp\n    newTag: 3.0.0\n",
    });

    const helm = await readDeployedImages({
      files: tree,
      application: app("a"),
      images: config.images,
      sourcePath: "chart",
      overrideFile: "x",
    });
    const kustomize = await readDeployedImages({
      files: tree,
      application: app("a"),
      images: config.images,
      sourcePath: "kust",
      overrideFile: "x",
    });

    expect(helm[0]).toMatchObject({ repository: "myorg/myapp", tag: "2.0.0" });
    expect(kustomize[0]).toMatchObject({ repository: "myorg/myapp", tag: "3.0.0" });
  });

  it("ignores files that are not YAML and paths that leave the repository", async () => {
    const tree = memoryFiles({
      "app/broken.yaml": "image: [unclosed\n",
      "app/notes.txt": "image: myorg/myapp:1.0.0\n",
    });

    const found = await readDeployedImages({
      files: tree,
      application: app("a"),
      images: config.images,
      sourcePath: "../app",
      overrideFile: "x",
    });

    expect(found).toEqual([]);
  });
});
