import { type KubeApiDouble, type KubeObject, startKubeApiDouble } from "@image-updater/doubles";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKubernetesApplicationWriter, createKubernetesSource } from "../src/index.js";
import { applicationObject, clientFor } from "./kube-fixture.js";

const REPO = "https://git.example.com/deploy.git";
const ref = { namespace: "argocd", name: "web" };

describe("createKubernetesApplicationWriter (against the Kubernetes API double)", () => {
  let double: KubeApiDouble;
  const read = () =>
    double.store.get(double.type("argoproj.io/applications"), "argocd", "web") as KubeObject & {
      spec: { source?: { kustomize?: { images?: string[] } }; sources?: unknown[]; project: string };
    };
  beforeEach(async () => {
    double = await startKubeApiDouble();
  });
  afterEach(() => double.stop());

  it("patches only the image fields with a conditional JSON patch, and writes nothing when they already match", async () => {
    double.put(
      "argoproj.io/applications",
      applicationObject("web", {
        source: { repoURL: REPO, path: "web", targetRevision: "main", kustomize: { namePrefix: "p-" } },
      }),
    );
    const { client } = clientFor(double);
    const writer = createKubernetesApplicationWriter({ client });
    const desired = { repoURL: REPO, path: "web", kustomize: { images: ["nginx:1.2.0"] } };

    await writer.updateSource(ref, desired);
    await writer.updateSource(ref, desired);

    expect(read().spec.source).toEqual({
      repoURL: REPO,
      path: "web",
      targetRevision: "main",
      kustomize: { namePrefix: "p-", images: ["nginx:1.2.0"] },
    });
    const patches = double.requests.filter((r) => r.verb === "patch");
    expect(patches).toHaveLength(1);
    expect(patches[0]?.contentType).toBe("application/json-patch+json");
    expect(double.requests.some((r) => r.verb === "update")).toBe(false);
  });

  it("on 409 reads again and keeps the other writer's change to another image", async () => {
    double.put(
      "argoproj.io/applications",
      applicationObject("web", { source: { repoURL: REPO, kustomize: { images: ["app:1.0.0", "sidecar:1.0.0"] } } }),
    );
    const { client } = clientFor(double);
    const source = createKubernetesSource({ client });
    await source.list();
    let raced = false;
    // Another writer lands between this writer's read and its patch: the patch's resourceVersion is then stale.
    double.faults.push({
      status: 500,
      match: (request) => {
        if (request.verb === "patch" && !raced) {
          raced = true;
          const current = read();
          double.put("argoproj.io/applications", {
            ...current,
            spec: { ...current.spec, source: { repoURL: REPO, kustomize: { images: ["app:1.0.0", "sidecar:2.0.0"] } } },
          });
        }
        return false;
      },
    });
    const writer = createKubernetesApplicationWriter({ client, baseline: (r) => source.lastSeen(r) });

    await writer.updateSource(ref, { repoURL: REPO, kustomize: { images: ["app:1.1.0", "sidecar:1.0.0"] } });

    expect(read().spec.source?.kustomize?.images).toEqual(["app:1.1.0", "sidecar:2.0.0"]);
    expect(double.requests.filter((r) => r.verb === "patch").map((r) => r.status)).toEqual([409, 200]);
  });

  it("writes Helm parameters into the matching spec.sources entry, merging by name", async () => {
    double.put(
      "argoproj.io/applications",
      applicationObject("web", {
        sources: [
          {
            repoURL: "https://charts.example.com",
            chart: "web",
            helm: { parameters: [{ name: "replicas", value: "3" }] },
          },
          { repoURL: REPO, path: "values" },
        ],
      }),
    );
    const { client } = clientFor(double);
    const writer = createKubernetesApplicationWriter({ client });

    await writer.updateSource(ref, {
      repoURL: "https://charts.example.com",
      chart: "web",
      helm: {
        parameters: [
          { name: "replicas", value: "3" },
          { name: "image.tag", value: "1.2.0", forceString: true },
        ],
      },
    });

    expect(read().spec.sources).toEqual([
      {
        repoURL: "https://charts.example.com",
        chart: "web",
        helm: {
          parameters: [
            { name: "replicas", value: "3" },
            { name: "image.tag", value: "1.2.0", forceString: true },
          ],
        },
      },
      { repoURL: REPO, path: "values" },
    ]);
  });

  it("rejects an Application without the source it was asked to write, naming it", async () => {
    double.put("argoproj.io/applications", applicationObject("web", { sources: [{ repoURL: REPO, path: "a" }] }));
    const { client } = clientFor(double);
    const error = await createKubernetesApplicationWriter({ client })
      .updateSource(ref, { repoURL: "https://other.example.com/x.git", kustomize: { images: ["a:1"] } })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "SOURCE_UNAVAILABLE" });
    expect((error as Error).message).toContain("Application argocd/web has no spec.source");
  });
});
