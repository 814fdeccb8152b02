import { describe, expect, it } from "vitest";
import {
  type ArgocdSourceKind,
  argocdSourceFileName,
  editArgocdSource,
  type ImageChange,
  mergeArgocdSourceKustomizeImages,
} from "../src/index.js";
import { fixture } from "./editors-fixtures.js";

const app: ImageChange = { alias: "app", image: "docker.io/myorg/myapp", newTag: "1.2.3" };

describe("argocdSourceFileName", () => {
  it.each([
    [{ name: "myapp", namespace: "argocd" }, "argocd", ".argocd-source-myapp.yaml"],
    [{ name: "myapp", namespace: "team-a" }, "argocd", ".argocd-source-team-a_myapp.yaml"],
    [{ name: "myapp", namespace: "team-a" }, "default", ".argocd-source-myapp.yaml"],
    [{ name: "myapp", namespace: "" }, "argocd", ".argocd-source-myapp.yaml"],
    [{ name: "myapp" }, undefined, ".argocd-source-myapp.yaml"],
  ])("%j in %s → %s", (application, argocdNamespace, expected) => {
    expect(argocdSourceFileName(application, argocdNamespace)).toBe(expected);
  });
});

describe("editArgocdSource: golden files", () => {
  it.each<[string, ArgocdSourceKind, ImageChange[]]>([
    ["helm-new", "helm", [app]],
    ["kustomize-new", "kustomize", [app]],
    ["helm-update", "helm", [{ ...app, image: "docker.io/myorg/myapp" }]],
    ["helm-forcestring", "helm", [{ image: "nginx", newTag: "1.26" }]],
    ["helm-spec", "helm", [{ image: "myregistry/myapp", newTag: "1.2.3", helm: { spec: "canary.image.tag" } }]],
    ["helm-beside-kustomize", "helm", [app]],
    ["plugin-env", "plugin", [{ ...app, plugin: { name: "APP_IMAGE", tag: "APP_TAG" } }]],
    [
      "kustomize-crlf",
      "kustomize",
      [
        { image: "nginx", newTag: "1.21.1" },
        { image: "ghcr.io/argoproj/argocd", kustomizeImageName: "quay.io/argoproj/argocd", newTag: "v2.1.0" },
      ],
    ],
    ["kustomize-digest", "kustomize", [{ image: "myapp", newTag: "1.1", newDigest: `sha256:${"b".repeat(64)}` }]],
    ["empty-helm", "helm", [app]],
    ["kustomize-flow-quoted", "kustomize", [app]],
    ["helm-flow-anchor", "helm", [app]],
  ])("%s", (name, kind, changes) => {
    const { before, after } = fixture("argocd-source", name);

    const result = editArgocdSource(before, changes, { kind });

    expect(result.text).toBe(after);
    expect(result.changed).toBe(true);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("leaves a file already holding the values byte-identical", () => {
    const { before } = fixture("argocd-source", "helm-noop");

    const result = editArgocdSource(before, [{ ...app, newTag: "1.2.2" }], { kind: "helm" });

    expect(result).toEqual({ text: before, changed: false, diagnostics: [], changedImages: [] });
  });

  it("merges kustomize images like the reference's 'Merge images param' case", () => {
    const { before, after } = fixture("argocd-source", "ref-merge-images");

    expect(mergeArgocdSourceKustomizeImages(before, ["new", "updated:latest"]).text).toBe(after);
  });

  it("refuses an override file that is not a map", () => {
    const result = editArgocdSource("- a\n- b\n", [app], { kind: "helm", key: ".argocd-source-myapp.yaml" });

    expect(result.changed).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: "error", key: expect.stringContaining(".argocd-source-myapp.yaml") }),
    );
  });
});
