import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApplicationEvent } from "@image-updater/core";
import { type KubeApiDouble, startKubeApiDouble } from "@image-updater/doubles";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKubernetesSource, type KubernetesSourceWarning } from "../src/index.js";
import { applicationObject, clientFor, eventually } from "./kube-fixture.js";

const IMAGE_LIST = "argocd-image-updater.argoproj.io/image-list";

describe("createKubernetesSource (against the Kubernetes API double)", () => {
  let double: KubeApiDouble;
  beforeEach(async () => {
    double = await startKubeApiDouble({ namespaces: ["argocd", "team-a"], bookmarkIntervalMs: 100 });
  });
  afterEach(() => double.stop());

  function collect(events: AsyncIterable<ApplicationEvent>) {
    const seen: string[] = [];
    void (async () => {
      for await (const event of events) {
        seen.push(event.type === "upsert" ? `upsert ${event.application.name}` : `delete ${event.ref.name}`);
      }
    })();
    return seen;
  }

  it("lists Applications with the label selector applied by the server, reporting an invalid one by name", async () => {
    double.put("argoproj.io/applications", applicationObject("web", { labels: { team: "a" } }));
    double.put("argoproj.io/applications", applicationObject("db", { labels: { team: "b" } }));
    double.put("argoproj.io/applications", {
      ...applicationObject("broken", { labels: { team: "a" } }),
      spec: { source: { path: "x" } },
    });
    const warnings: KubernetesSourceWarning[] = [];
    const { client } = clientFor(double);
    const source = createKubernetesSource({ client, labelSelector: "team=a", onWarning: (w) => warnings.push(w) });

    const applications = await source.list();

    expect(applications.map((a) => a.name).sort()).toEqual(["broken", "web"]);
    expect(applications.find((a) => a.name === "web")?.spec.source?.repoURL).toBe("https://git.example.com/deploy.git");
    expect(applications.find((a) => a.name === "broken")?.spec.source).toBeUndefined();
    expect(warnings).toEqual([
      { object: "argocd/broken", message: expect.stringContaining("spec.source.repoURL is missing") },
    ]);
    const list = double.requests.find((r) => r.verb === "list" && r.resource === "applications");
    expect(list?.url).toContain("labelSelector=team%3Da");
  });

  it("reads one plain application name with a field selector, and every namespace with '*'", async () => {
    double.put("argoproj.io/applications", applicationObject("web"));
    double.put("argoproj.io/applications", applicationObject("api", { namespace: "team-a" }));
    const { client } = clientFor(double);

    const named = await createKubernetesSource({ client, names: ["web"] }).list();
    const everywhere = await createKubernetesSource({ client, namespaces: "*" }).list();

    expect(named.map((a) => a.name)).toEqual(["web"]);
    expect(double.requests.some((r) => r.url.includes("fieldSelector=metadata.name%3Dweb"))).toBe(true);
    expect(everywhere.map((a) => `${a.namespace}/${a.name}`).sort()).toEqual(["argocd/web", "team-a/api"]);
    expect(double.requests.some((r) => r.url.startsWith("/apis/argoproj.io/v1alpha1/applications?"))).toBe(true);
  });

  it("watches from the listed resourceVersion: added, annotated and deleted Applications, in order", async () => {
    double.put("argoproj.io/applications", applicationObject("web"));
    const { client } = clientFor(double);
    const source = createKubernetesSource({ client });
    await source.list();
    const controller = new AbortController();
    const seen = collect(source.watch({ signal: controller.signal }));
    // Written before the watch connects: the resourceVersion of the list makes sure it is not missed.
    double.put("argoproj.io/applications", applicationObject("api"));
    double.put("argoproj.io/applications", applicationObject("web", { annotations: { [IMAGE_LIST]: "nginx" } }));
    await eventually(() => seen.length >= 2, "two upserts");
    const web = double.store.get(double.type("argoproj.io/applications"), "argocd", "web");
    double.store.delete(double.type("argoproj.io/applications"), "argocd", web.metadata.name);
    await eventually(() => seen.length >= 3, "the delete");
    controller.abort();

    expect(seen).toEqual(["upsert api", "upsert web", "delete web"]);
    expect(source.lastSeen({ namespace: "argocd", name: "api" })).toBeDefined();
  });

  it("resumes after a dropped watch from the last bookmark, without replaying what it saw", async () => {
    const { client } = clientFor(double);
    const source = createKubernetesSource({ client });
    await source.list();
    const controller = new AbortController();
    const seen = collect(source.watch({ signal: controller.signal }));
    double.put("argoproj.io/applications", applicationObject("first"));
    await eventually(() => seen.length === 1, "the first upsert");
    const before = double.store.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 250)); // at least one bookmark at `before`
    double.closeWatches();
    double.put("argoproj.io/applications", applicationObject("second"));
    await eventually(() => seen.length === 2, "the upsert after the reconnect");
    controller.abort();

    expect(seen).toEqual(["upsert first", "upsert second"]);
    const watches = double.requests.filter((r) => r.verb === "watch");
    expect(watches.length).toBeGreaterThanOrEqual(2);
    expect(new URL(watches[1]?.url ?? "", "https://x").searchParams.get("resourceVersion")).toBe(before);
  });

  it("relists after 410 Gone and reports what changed while its resourceVersion was compacted away", async () => {
    double.put("argoproj.io/applications", applicationObject("kept"));
    double.put("argoproj.io/applications", applicationObject("removed"));
    const { client } = clientFor(double);
    const source = createKubernetesSource({ client });
    await source.list();
    double.put("argoproj.io/applications", applicationObject("added"));
    double.store.delete(double.type("argoproj.io/applications"), "argocd", "removed");
    double.store.compact();
    const controller = new AbortController();
    const seen = collect(source.watch({ signal: controller.signal }));
    await eventually(() => seen.length >= 2, "the catch-up after 410");
    double.put("argoproj.io/applications", applicationObject("later"));
    await eventually(() => seen.length >= 3, "a live event after the relist");
    controller.abort();

    expect(seen).toEqual(["upsert added", "delete removed", "upsert later"]);
  });

  it("reconnects with back-off after the watch fails, saying so once per failure", async () => {
    double.faults.push({ match: (r) => r.verb === "watch", status: 500, times: 2 });
    const warnings: KubernetesSourceWarning[] = [];
    const { client } = clientFor(double);
    const source = createKubernetesSource({
      client,
      onWarning: (w) => warnings.push(w),
      backoff: { initialMs: 20, maxMs: 100 },
    });
    await source.list();
    const controller = new AbortController();
    const seen = collect(source.watch({ signal: controller.signal }));
    await eventually(() => double.requests.filter((r) => r.verb === "watch").length >= 3, "the third watch");
    double.put("argoproj.io/applications", applicationObject("web"));
    await eventually(() => seen.length === 1, "the upsert");
    controller.abort();

    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining("watch of Applications in namespace argocd failed"),
      expect.stringContaining("watch of Applications in namespace argocd failed"),
    ]);
    expect(warnings[0]?.message).toContain("HTTP 500");
  });

  it("rejects list() with a message naming the missing permission on 403, and the server when unreachable", async () => {
    double.faults.push({ match: (r) => r.verb === "list", status: 403 });
    const { client, counted } = clientFor(double);
    const forbidden = await createKubernetesSource({ client })
      .list()
      .catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: "SOURCE_UNAVAILABLE", retryable: false, status: 403 });
    expect((forbidden as Error).message).toContain('grant the verb "list" on "applications"');
    expect(counted).toEqual([{ verb: "list", resource: "applications", namespace: "argocd", status: 403 }]);

    const kubeconfig = join(await mkdtemp(join(tmpdir(), "kubeconfig-")), "config");
    await writeFile(kubeconfig, double.kubeconfig());
    await double.stop();
    const unreachable = await createKubernetesSource({ client: clientFor(double, kubeconfig).client })
      .list()
      .catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: "SOURCE_UNAVAILABLE", retryable: true, status: null });
    expect((unreachable as Error).message).toContain(`${double.origin} did not answer`);
    double = await startKubeApiDouble();
  });
});
