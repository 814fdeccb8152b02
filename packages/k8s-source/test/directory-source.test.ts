import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { ApplicationEvent } from "@image-updater/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDirectorySource, type DirectoryWarning } from "../src/index.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

const STAGING = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: myapp-staging
  namespace: argocd
  labels:
    team: web
  annotations:
    argocd-image-updater.argoproj.io/image-list: app=docker.io/myorg/myapp
    argocd-image-updater.argoproj.io/app.update-strategy: latest
spec:
  project: default
  source:
    repoURL: git@github.com:myorg/manifests.git
    path: staging
    targetRevision: main
status:
  sourceType: Directory
  summary:
    images:
      - docker.io/myorg/myapp:1.0.0
`;

function application(name: string, namespace?: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ""}spec:
  source:
    repoURL: https://example.com/repo.git
    path: ${name}
`;
}

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir();
});
afterEach(async () => {
  await dir.remove();
});

describe("createDirectorySource().list()", () => {
  it("reads an Application manifest into core's Application", async () => {
    await dir.write("staging.yaml", STAGING);
    const source = createDirectorySource({ dir: dir.path });

    const apps = await source.list();

    expect(apps).toEqual([
      {
        name: "myapp-staging",
        namespace: "argocd",
        labels: { team: "web" },
        annotations: {
          "argocd-image-updater.argoproj.io/image-list": "app=docker.io/myorg/myapp",
          "argocd-image-updater.argoproj.io/app.update-strategy": "latest",
        },
        spec: {
          project: "default",
          source: { repoURL: "git@github.com:myorg/manifests.git", path: "staging", targetRevision: "main" },
        },
        status: { sourceType: "Directory", summary: { images: ["docker.io/myorg/myapp:1.0.0"] } },
        resourceVersion: expect.any(String),
      },
    ]);
  });

  it("reads multi-document files, .yml, nested folders, and ignores other kinds and hidden folders", async () => {
    await dir.write(
      "apps/all.yaml",
      `${application("a")}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n${application("b")}`,
    );
    await dir.write("apps/deep/c.yml", application("c"));
    await dir.write("apps/readme.txt", application("not-yaml"));
    await dir.write(".git/d.yaml", application("hidden"));
    await dir.write("other.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n");

    const apps = await createDirectorySource({ dir: dir.path }).list();

    expect(apps.map((a) => a.name)).toEqual(["a", "b", "c"]);
  });

  it.each([
    [undefined, ["argocd/a", "argocd/b", "team/c"]],
    ["team", ["team/b", "team/c"]],
  ])("namespace %s lists %j (manifests without one take it)", async (namespace, expected) => {
    await dir.write("a.yaml", application("a", "argocd"));
    await dir.write("b.yaml", application("b"));
    await dir.write("c.yaml", application("c", "team"));

    const apps = await createDirectorySource({ dir: dir.path, namespace }).list();

    expect(apps.map((a) => `${a.namespace}/${a.name}`)).toEqual(expected);
  });

  it("reports a broken file through onWarning and still returns the other files", async () => {
    await dir.write("a-good.yaml", application("good"));
    await dir.write("b-broken.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: [unclosed\n");
    await dir.write("c-half.yaml", `${application("first")}---\nkey: : :\n  - bad\n---\n${application("third")}`);
    const warnings: DirectoryWarning[] = [];

    const apps = await createDirectorySource({ dir: dir.path, onWarning: (w) => warnings.push(w) }).list();

    expect(apps.map((a) => a.name)).toEqual(["good", "first", "third"]);
    expect(warnings.map((w) => [w.file, w.document])).toEqual([
      ["b-broken.yaml", 0],
      ["c-half.yaml", 1],
    ]);
    expect(warnings[0]?.message).toMatch(/invalid YAML at line \d+/);
  });

  it.each([
    ["a missing name", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {}\n", /metadata.name/],
    [
      "a source without repoURL",
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\nspec:\n  source: {path: p}\n",
      /spec.source.repoURL is missing/,
    ],
    [
      "an unquoted boolean annotation",
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\n  annotations:\n    a: true\n",
      /metadata.annotations.a should be a string; quote the value/,
    ],
  ])("warns about %s, naming the field", async (_, text, message) => {
    await dir.write("x.yaml", text);
    const warnings: DirectoryWarning[] = [];

    await createDirectorySource({ dir: dir.path, onWarning: (w) => warnings.push(w) }).list();

    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(message)]);
  });

  it("keeps the first of two Applications with the same name and warns about the second", async () => {
    await dir.write("a.yaml", application("same"));
    await dir.write("b.yaml", application("same"));
    const warnings: DirectoryWarning[] = [];

    const apps = await createDirectorySource({ dir: dir.path, onWarning: (w) => warnings.push(w) }).list();

    expect(apps).toHaveLength(1);
    expect(warnings).toEqual([expect.objectContaining({ file: "b.yaml", message: expect.stringContaining("a.yaml") })]);
  });

  it("rejects SOURCE_UNAVAILABLE when the folder does not exist", async () => {
    const source = createDirectorySource({ dir: join(dir.path, "missing") });

    await expect(source.list()).rejects.toMatchObject({ code: "SOURCE_UNAVAILABLE", retryable: true });
  });
});

describe("createDirectorySource().watch()", () => {
  async function collect(
    iterator: AsyncIterator<ApplicationEvent>,
    count: number,
  ): Promise<{ type: string; name: string }[]> {
    const events: { type: string; name: string }[] = [];
    while (events.length < count) {
      const next = await iterator.next();
      if (next.done) break;
      const e = next.value;
      events.push({ type: e.type, name: e.type === "upsert" ? e.application.name : e.ref.name });
    }
    return events;
  }

  it("yields upserts and deletes after the call, including in new folders, and ends on abort", async () => {
    await dir.write("a.yaml", application("a"));
    const controller = new AbortController();
    const source = createDirectorySource({ dir: dir.path, debounceMs: 20 });
    const iterator = source.watch({ signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    // Let the watcher take its baseline before changing files.
    await new Promise((resolve) => setTimeout(resolve, 100));

    await dir.write("nested/b.yaml", application("b"));
    const added = await first;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await dir.write("nested/c.yaml", application("c"));
    const addedInNewFolder = await collect(iterator, 1);
    await rm(join(dir.path, "a.yaml"));
    const removed = await collect(iterator, 1);
    controller.abort();
    const end = await iterator.next();

    expect(added.value).toMatchObject({ type: "upsert", application: { name: "b" } });
    expect(addedInNewFolder).toEqual([{ type: "upsert", name: "c" }]);
    expect(removed).toEqual([{ type: "delete", name: "a" }]);
    expect(end.done).toBe(true);
  });

  it("yields an upsert when an Application changes and nothing for unrelated files", async () => {
    await dir.write("a.yaml", application("a"));
    const controller = new AbortController();
    const iterator = createDirectorySource({ dir: dir.path, debounceMs: 20 })
      .watch({ signal: controller.signal })
      [Symbol.asyncIterator]();
    const pending = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 100));

    await dir.write("notes.yaml", "kind: ConfigMap\n");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await dir.write("a.yaml", application("a").replace("path: a", "path: changed"));
    const changed = await pending;
    controller.abort();

    expect(changed.value).toMatchObject({
      type: "upsert",
      application: { name: "a", spec: { source: { path: "changed" } } },
    });
    expect((await iterator.next()).done).toBe(true);
  });

  it("ends at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();

    const events: ApplicationEvent[] = [];
    for await (const e of createDirectorySource({ dir: dir.path }).watch({ signal: controller.signal })) events.push(e);

    expect(events).toEqual([]);
  });
});
