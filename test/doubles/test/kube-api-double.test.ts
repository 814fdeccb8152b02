import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeApiDouble, kubectl, kubeFetch, kubeWatch, spawnKubectl, startKubeApiDouble } from "../src/index.js";

const APPS = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications";

const application = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name, namespace: "argocd", labels },
  spec: { project: "default", source: { repoURL: "https://git.example.com/deploy.git", path: name } },
});

describe("Kubernetes API double: protocol", () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble({ bookmarkIntervalMs: 100 });
  });
  afterAll(() => double.stop());

  it("refuses requests without a known bearer token", async () => {
    expect((await kubeFetch(double, APPS, { token: null })).status).toBe(401);
    expect((await kubeFetch(double, APPS, { token: "wrong" })).status).toBe(401);
    expect((await kubeFetch(double, APPS)).status).toBe(200);
  });

  it("answers 409 to a write with a stale resourceVersion, and keeps the newer object", async () => {
    const created = await kubeFetch(double, APPS, { method: "POST", body: application("conflict") });
    expect(created.status).toBe(201);
    const stale = created.body.metadata.resourceVersion;
    const first = await kubeFetch(double, `${APPS}/conflict`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { resourceVersion: stale, labels: { by: "first" } } },
    });
    expect(first.status).toBe(200);
    const second = await kubeFetch(double, `${APPS}/conflict`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { resourceVersion: stale, labels: { by: "second" } } },
    });
    expect(second.status).toBe(409);
    expect(second.body.reason).toBe("Conflict");
    expect((await kubeFetch(double, `${APPS}/conflict`)).body.metadata.labels).toEqual({ by: "first" });
    expect((await kubeFetch(double, APPS, { method: "POST", body: application("conflict") })).status).toBe(409);
  });

  it("applies JSON patches, and a failed test operation changes nothing", async () => {
    await kubeFetch(double, APPS, { method: "POST", body: application("jsonpatch") });
    const ok = await kubeFetch(double, `${APPS}/jsonpatch`, {
      method: "PATCH",
      contentType: "application/json-patch+json",
      body: [
        { op: "test", path: "/spec/source/path", value: "jsonpatch" },
        { op: "add", path: "/spec/source/kustomize", value: { images: ["nginx:1.2.0"] } },
      ],
    });
    expect(ok.body.spec.source.kustomize).toEqual({ images: ["nginx:1.2.0"] });
    const failed = await kubeFetch(double, `${APPS}/jsonpatch`, {
      method: "PATCH",
      contentType: "application/json-patch+json",
      body: [
        { op: "test", path: "/spec/source/path", value: "elsewhere" },
        { op: "remove", path: "/spec/source/kustomize" },
      ],
    });
    expect(failed.status).toBe(422);
    expect((await kubeFetch(double, `${APPS}/jsonpatch`)).body.spec.source.kustomize.images).toEqual(["nginx:1.2.0"]);
  });

  it("refuses strategic merge on custom resources but merges built-in lists by name", async () => {
    const strategic = await kubeFetch(double, `${APPS}/jsonpatch`, {
      method: "PATCH",
      contentType: "application/strategic-merge-patch+json",
      body: { metadata: { labels: { a: "b" } } },
    });
    expect(strategic.status).toBe(415);
    const deployments = "/apis/apps/v1/namespaces/argocd/deployments";
    const containers = [
      { name: "app", image: "app:1" },
      { name: "sidecar", image: "sidecar:1" },
    ];
    await kubeFetch(double, deployments, {
      method: "POST",
      body: { metadata: { name: "web" }, spec: { template: { spec: { containers } } } },
    });
    const patched = await kubeFetch(double, `${deployments}/web`, {
      method: "PATCH",
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { template: { spec: { containers: [{ name: "app", image: "app:2" }] } } } },
    });
    expect(patched.body.spec.template.spec.containers).toEqual([
      { name: "app", image: "app:2" },
      { name: "sidecar", image: "sidecar:1" },
    ]);
  });

  it("filters lists by label and field selectors and pages them with limit/continue", async () => {
    for (const [name, team] of [
      ["sel-a", "a"],
      ["sel-b", "b"],
      ["sel-c", "a"],
    ] as const) {
      await kubeFetch(double, APPS, { method: "POST", body: application(name, { team }) });
    }
    const byLabel = await kubeFetch(double, `${APPS}?labelSelector=${encodeURIComponent("team in (a)")}`);
    expect(byLabel.body.items.map((a: { metadata: { name: string } }) => a.metadata.name)).toEqual(["sel-a", "sel-c"]);
    const byField = await kubeFetch(double, `${APPS}?fieldSelector=metadata.name%3Dsel-b`);
    expect(byField.body.items).toHaveLength(1);
    const page = await kubeFetch(double, `${APPS}?labelSelector=team&limit=2`);
    expect(page.body.items).toHaveLength(2);
    const rest = await kubeFetch(double, `${APPS}?labelSelector=team&limit=2&continue=${page.body.metadata.continue}`);
    expect(rest.body.items.map((a: { metadata: { name: string } }) => a.metadata.name)).toEqual(["sel-c"]);
    expect((await kubeFetch(double, `${APPS}?labelSelector=${encodeURIComponent("team in a")}`)).status).toBe(400);
  });

  it("replays a watch from a resourceVersion, sends bookmarks, and answers 410 after compaction", async () => {
    const list = await kubeFetch(double, APPS);
    const from = list.body.metadata.resourceVersion;
    await kubeFetch(double, APPS, { method: "POST", body: application("watched") });
    const events = await kubeWatch(double, `${APPS}?watch=true&resourceVersion=${from}&allowWatchBookmarks=true`, 2);
    expect(events.map((e) => e.type)).toEqual(["ADDED", "BOOKMARK"]);
    expect(events[0]?.object.metadata.name).toBe("watched");
    expect(Number(events[1]?.object.metadata.resourceVersion)).toBeGreaterThan(Number(from));
    double.store.compact();
    const expired = await kubeWatch(double, `${APPS}?watch=true&resourceVersion=${from}`, 1);
    expect(expired[0]).toMatchObject({ type: "ERROR", object: { code: 410, reason: "Expired" } });
  });

  it("keeps status writes to the status subresource when the CRD declares one", async () => {
    await kubeFetch(double, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      method: "POST",
      body: {
        metadata: { name: "imageupdaters.argocd-image-updater.argoproj.io" },
        spec: {
          group: "argocd-image-updater.argoproj.io",
          scope: "Namespaced",
          names: { kind: "ImageUpdater", plural: "imageupdaters", singular: "imageupdater" },
          versions: [{ name: "v1alpha1", served: true, storage: true, subresources: { status: {} } }],
        },
      },
    });
    const base = "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/argocd/imageupdaters";
    await kubeFetch(double, base, { method: "POST", body: { metadata: { name: "iu" }, spec: { a: 1 } } });
    const ignored = await kubeFetch(double, `${base}/iu`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { status: { conditions: [{ type: "Ready" }] } },
    });
    expect(ignored.body.status).toBeUndefined();
    const written = await kubeFetch(double, `${base}/iu/status`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { status: { conditions: [{ type: "Ready" }] }, spec: { a: 2 } },
    });
    expect(written.body).toMatchObject({ status: { conditions: [{ type: "Ready" }] }, spec: { a: 1 } });
  });

  it("answers an injected 403 with a Forbidden Status naming the verb and resource", async () => {
    double.faults.push({ match: (r) => r.resource === "secrets" && r.verb === "get", status: 403, times: 1 });
    const denied = await kubeFetch(double, "/api/v1/namespaces/argocd/secrets/any");
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('cannot get resource "secrets"');
    expect((await kubeFetch(double, "/api/v1/namespaces/argocd/secrets/any")).status).toBe(404);
  });
});

describe("Kubernetes API double: the real kubectl", { timeout: 60_000 }, () => {
  let double: KubeApiDouble;
  let dir: string;
  beforeAll(async () => {
    double = await startKubeApiDouble();
    dir = await mkdtemp(join(tmpdir(), "kubectl-"));
  });
  afterAll(() => double.stop());

  it("gets, applies, annotates, watches and deletes Applications", async () => {
    const file = join(dir, "app.yaml");
    const manifest = (team: string) =>
      [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Application",
        "metadata:",
        "  name: web",
        `  labels: {team: ${team}}`,
        "spec:",
        "  project: default",
        "  source: {repoURL: 'https://git.example.com/deploy.git', path: web, targetRevision: main}",
        "",
      ].join("\n");
    await writeFile(file, manifest("a"));
    expect((await kubectl(double, ["get", "applications", "-A"])).stderr).toContain("No resources found");
    const created = await kubectl(double, ["apply", "--validate=false", "-f", file]);
    expect(created.stdout).toContain("application.argoproj.io/web created");
    await writeFile(file, manifest("b"));
    expect((await kubectl(double, ["apply", "--validate=false", "-f", file])).stdout).toContain("web configured");
    const watch = spawnKubectl(double, ["get", "applications", "-w", "-o", "name"]);
    await watch.waitFor("application.argoproj.io/web");
    const annotated = await kubectl(double, [
      "annotate",
      "app",
      "web",
      "argocd-image-updater.argoproj.io/image-list=nginx",
    ]);
    expect(annotated.stdout).toContain("annotated");
    await watch.waitFor("application.argoproj.io/web\napplication.argoproj.io/web");
    await watch.stop();
    const got = await kubectl(double, ["get", "app", "web", "-o", "json"]);
    const object = JSON.parse(got.stdout);
    expect(object.metadata.labels).toEqual({ team: "b" });
    expect(object.metadata.annotations["argocd-image-updater.argoproj.io/image-list"]).toBe("nginx");
    expect((await kubectl(double, ["get", "apps", "-l", "team=a", "-o", "name"])).stdout.trim()).toBe("");
    expect((await kubectl(double, ["delete", "app", "web"])).stdout).toContain('"web" deleted');
    expect((await kubectl(double, ["get", "app", "web"])).stderr).toContain('applications.argoproj.io "web" not found');
  });
});
