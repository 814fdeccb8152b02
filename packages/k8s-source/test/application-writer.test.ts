import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applySourceChanges, createDirectoryApplicationWriter, createDirectorySource } from "../src/index.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir();
});
afterEach(async () => {
  await dir.remove();
});

const KUSTOMIZE_APP = `# Applications of team web
apiVersion: v1
kind: ConfigMap
metadata: {name: before}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web   # the web app
  namespace: argocd
  annotations:
    argocd-image-updater.argoproj.io/image-list: "web=ghcr.io/org/web"
spec:
  source:
    repoURL: https://example.com/repo.git   # keep this comment
    path: 'overlays/prod'
    kustomize:
      images:
        - ghcr.io/org/web:1.0.0
    targetRevision: main

  destination:
    namespace: web
---
apiVersion: v1
kind: ConfigMap
metadata: {name: after}
`;

describe("applySourceChanges()", () => {
  it("rewrites kustomize.images in place and keeps every other byte", () => {
    const after = applySourceChanges(KUSTOMIZE_APP, 1, {
      repoURL: "https://example.com/repo.git",
      kustomize: { images: ["ghcr.io/org/web:1.1.0"] },
    });

    expect(after).toBe(KUSTOMIZE_APP.replace("ghcr.io/org/web:1.0.0", "ghcr.io/org/web:1.1.0"));
  });

  it("returns the same text when nothing differs", () => {
    const after = applySourceChanges(KUSTOMIZE_APP, 1, {
      repoURL: "https://example.com/repo.git",
      kustomize: { images: ["ghcr.io/org/web:1.0.0"] },
    });

    expect(after).toBe(KUSTOMIZE_APP);
  });

  it.each([
    [
      "a flow sequence",
      "spec:\n  source:\n    repoURL: r\n    kustomize: {images: [a:1]}\n",
      "spec:\n  source:\n    repoURL: r\n    kustomize: {images: [a:2, b:1]}\n",
    ],
    [
      "a missing kustomize key",
      "spec:\n  source:\n    repoURL: r\n    path: p\n  project: x\n",
      "spec:\n  source:\n    repoURL: r\n    path: p\n    kustomize:\n      images:\n        - a:2\n        - b:1\n  project: x\n",
    ],
    [
      "CRLF line endings",
      "spec:\r\n  source:\r\n    repoURL: r\r\n    kustomize:\r\n      images:\r\n      - a:1\r\n",
      "spec:\r\n  source:\r\n    repoURL: r\r\n    kustomize:\r\n      images:\r\n      - a:2\r\n      - b:1\r\n",
    ],
  ])("handles %s", (_, before, expected) => {
    const text = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\n${before}`;

    const after = applySourceChanges(text, 0, { repoURL: "r", kustomize: { images: ["a:2", "b:1"] } });

    expect(after).toBe(`apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\n${expected}`);
  });

  it("replaces helm parameters with forceString, and plugin env", () => {
    const text = `kind: Application
spec:
  source:
    repoURL: r
    helm:
      valueFiles: [values.yaml]
      parameters:
      - name: image.tag
        value: 1.0.0
    plugin:
      name: cmp
`;

    const after = applySourceChanges(text, 0, {
      repoURL: "r",
      helm: { parameters: [{ name: "image.tag", value: "1.10", forceString: true }] },
      plugin: { env: [{ name: "IMAGE_TAG", value: "1.10" }] },
    });

    expect(after).toBe(`kind: Application
spec:
  source:
    repoURL: r
    helm:
      valueFiles: [values.yaml]
      parameters:
      - name: image.tag
        value: "1.10"
        forceString: true
    plugin:
      name: cmp
      env:
        - name: IMAGE_TAG
          value: "1.10"
`);
  });

  it("edits kustomize.images and helm.parameters item by item, keeping comments and quotes inside the lists", () => {
    const text = `kind: Application
spec:
  source:
    repoURL: r
    kustomize:
      images:
        # the web front end
        - 'ghcr.io/org/web:1.0.0'   # bumped by image-updater
        - "ghcr.io/org/api:2.0.0" # kept as is
    helm:
      parameters:
        # tag of the web image
        - name: image.tag
          value: '1.0.0' # quoted on purpose
          forceString: true
        - name: replicas
          value: "3"
`;

    const after = applySourceChanges(text, 0, {
      repoURL: "r",
      kustomize: { images: ["ghcr.io/org/web:1.1.0", "ghcr.io/org/api:2.0.0", "ghcr.io/org/new:0.1.0"] },
      helm: {
        parameters: [
          { name: "image.tag", value: "1.1.0", forceString: true },
          { name: "replicas", value: "3" },
          { name: "image.name", value: "ghcr.io/org/web", forceString: true },
        ],
      },
    });

    expect(after).toBe(`kind: Application
spec:
  source:
    repoURL: r
    kustomize:
      images:
        # the web front end
        - 'ghcr.io/org/web:1.1.0'   # bumped by image-updater
        - "ghcr.io/org/api:2.0.0" # kept as is
        - ghcr.io/org/new:0.1.0
    helm:
      parameters:
        # tag of the web image
        - name: image.tag
          value: '1.1.0' # quoted on purpose
          forceString: true
        - name: replicas
          value: "3"
        - name: image.name
          value: ghcr.io/org/web
          forceString: true
`);
  });

  it("targets the matching entry of spec.sources and returns null when none matches", () => {
    const text = `kind: Application
spec:
  sources:
    - repoURL: a
      kustomize: {images: [x:1]}
    - repoURL: b
      kustomize: {images: [x:1]}
`;

    const after = applySourceChanges(text, 0, { repoURL: "b", kustomize: { images: ["x:2"] } });
    const none = applySourceChanges(text, 0, { repoURL: "c", kustomize: { images: ["x:2"] } });

    expect(after).toBe(
      text.replace("- repoURL: b\n      kustomize: {images: [x:1]}", "- repoURL: b\n      kustomize: {images: [x:2]}"),
    );
    expect(none).toBeNull();
  });
});

describe("createDirectoryApplicationWriter().updateSource()", () => {
  it("writes the file atomically, and the source reads the new image back", async () => {
    const file = await dir.write("apps/web.yaml", KUSTOMIZE_APP);
    const writer = createDirectoryApplicationWriter({ dir: dir.path });

    await writer.updateSource(
      { namespace: "argocd", name: "web" },
      { repoURL: "https://example.com/repo.git", kustomize: { images: ["ghcr.io/org/web:2.0.0"] } },
    );
    const [app] = await createDirectorySource({ dir: dir.path }).list();

    expect(await readFile(file, "utf8")).toBe(KUSTOMIZE_APP.replace("web:1.0.0", "web:2.0.0"));
    expect(app?.spec.source?.kustomize?.images).toEqual(["ghcr.io/org/web:2.0.0"]);
    expect(await readdir(join(dir.path, "apps"))).toEqual(["web.yaml"]);
  });

  it("does not touch the file when nothing changes", async () => {
    const file = await dir.write("web.yaml", KUSTOMIZE_APP);
    const before = await stat(file);
    const writer = createDirectoryApplicationWriter({ dir: dir.path });

    await writer.updateSource(
      { namespace: "argocd", name: "web" },
      { repoURL: "https://example.com/repo.git", kustomize: { images: ["ghcr.io/org/web:1.0.0"] } },
    );

    expect((await stat(file)).ino).toBe(before.ino);
  });

  it("rejects SOURCE_UNAVAILABLE for an unknown Application", async () => {
    await dir.write("web.yaml", KUSTOMIZE_APP);
    const writer = createDirectoryApplicationWriter({ dir: dir.path });

    await expect(writer.updateSource({ namespace: "argocd", name: "nope" }, { repoURL: "x" })).rejects.toMatchObject({
      code: "SOURCE_UNAVAILABLE",
    });
  });
});
