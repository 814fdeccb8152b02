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

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

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

  it.each([
    // The same digest: the tag written beside it stays.
    [`nginx:1.25@${DIGEST_A}`, `nginx@${DIGEST_A}`, `nginx:1.25@${DIGEST_A}`],
    // Another digest: the old tag would lie about it, so the entry is replaced.
    [`nginx:1.25@${DIGEST_A}`, `nginx@${DIGEST_B}`, `nginx@${DIGEST_B}`],
    ["nginx:1.25", "nginx", "nginx:1.25"],
    ["nginx:1.25", "nginx:1.26", "nginx:1.26"],
  ])("merging over %s the entry %s keeps %s", (existing, merged, expected) => {
    const text = `kustomize:\n  images:\n  - ${existing} # pinned\n`;

    const result = mergeArgocdSourceKustomizeImages(text, [merged]);

    expect(result.text).toBe(`kustomize:\n  images:\n  - ${expected} # pinned\n`);
  });

  it("helm parameters of a chart that splits registry from repository keep the split", () => {
    const text = [
      "helm:",
      "  parameters:",
      "  - name: alertmanager.image.registry",
      "    value: quay.io",
      "  - name: alertmanager.image.repository",
      "    value: prometheus/alertmanager",
      "    forcestring: true",
      "  - name: alertmanager.image.tag",
      "    value: v0.27.0",
      "    forcestring: true",
      "",
    ].join("\n");
    const change = {
      image: "quay.io/prometheus/alertmanager",
      newTag: "v0.28.0",
      helm: { name: "alertmanager.image.repository", tag: "alertmanager.image.tag" },
    };

    const result = editArgocdSource(text, [change], { kind: "helm" });

    expect(result.text).toBe(text.replace("value: v0.27.0", "value: v0.28.0"));
  });

  it("a renamed kustomize image keeps the form of the name already written", () => {
    const text = "kustomize:\n  images:\n  - placeholder=docker.io/library/old:1.0\n";

    const result = editArgocdSource(text, [{ image: "nginx", newTag: "1.26", kustomizeImageName: "placeholder" }], {
      kind: "kustomize",
    });

    expect(result.text).toBe("kustomize:\n  images:\n  - placeholder=docker.io/library/nginx:1.26\n");
  });

  it("refuses an override file that is not a map", () => {
    const result = editArgocdSource("- a\n- b\n", [app], { kind: "helm", key: ".argocd-source-myapp.yaml" });

    expect(result.changed).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: "error", key: expect.stringContaining(".argocd-source-myapp.yaml") }),
    );
  });
});
