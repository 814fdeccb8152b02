import { EventEmitter } from "node:events";
import type { Application, TypedEmitter, UpdaterEvents } from "@image-updater/core";
import { IMAGE_UPDATER_CRD, type KubeApiDouble, type KubeObject, startKubeApiDouble } from "@image-updater/doubles";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createImageUpdaterResources } from "../src/index.js";
import { clientFor, eventually } from "./kube-fixture.js";

const application = (name: string, annotations: Record<string, string> = {}): Application => ({
  namespace: "argocd",
  name,
  labels: {},
  annotations,
  spec: { source: { repoURL: "https://git.example.com/deploy.git", path: name } },
});

const imageUpdater = (name: string, namePattern: string): KubeObject => ({
  apiVersion: "argocd-image-updater.argoproj.io/v1alpha1",
  kind: "ImageUpdater",
  metadata: { name, namespace: "argocd" },
  spec: { applicationRefs: [{ namePattern, images: [{ alias: "app", imageName: "registry.example.com/web" }] }] },
});

describe("createImageUpdaterResources (against the Kubernetes API double)", () => {
  let double: KubeApiDouble;
  beforeEach(async () => {
    double = await startKubeApiDouble();
  });
  afterEach(() => double.stop());

  it("configures CR-matched Applications from the CR and the others from their annotations", async () => {
    double.put("apiextensions.k8s.io/customresourcedefinitions", structuredClone(IMAGE_UPDATER_CRD) as KubeObject);
    double.put("argocd-image-updater.argoproj.io/imageupdaters", imageUpdater("web", "web-*"));
    const { client } = clientFor(double);
    const crs = createImageUpdaterResources({ client, namespaces: ["argocd"] });
    await crs.refresh();

    const configured = crs.configResolver([
      application("web-1"),
      application("other", { "argocd-image-updater.argoproj.io/image-list": "app=registry.example.com/other" }),
      application("plain"),
    ]);

    expect(configured.map((c) => `${c.application.name}:${c.result.config.images[0]?.image.writtenName}`)).toEqual([
      "web-1:registry.example.com/web",
      "other:registry.example.com/other",
    ]);
  });

  it("writes status through the status subresource after a cycle: Ready, recentUpdates, lastUpdatedAt", async () => {
    double.put("apiextensions.k8s.io/customresourcedefinitions", structuredClone(IMAGE_UPDATER_CRD) as KubeObject);
    double.put("argocd-image-updater.argoproj.io/imageupdaters", imageUpdater("web", "web-*"));
    const { client } = clientFor(double);
    const crs = createImageUpdaterResources({ client, namespaces: ["argocd"], now: () => new Date(0) });
    await crs.refresh();
    crs.configResolver([application("web-1"), application("web-2")]);
    const events = new EventEmitter() as unknown as TypedEmitter<UpdaterEvents>;
    crs.reportStatus(events);

    const ref = (name: string) => ({ namespace: "argocd", name });
    events.emit("writeback:committed", {
      runId: "r1",
      method: "git",
      repoUrl: "https://git.example.com/deploy.git",
      branch: "main",
      sha: "abc",
      applications: [ref("web-1"), ref("web-2")],
      changes: [
        { application: ref("web-1"), image: "registry.example.com/web", oldTag: "1.0.0", newTag: "1.1.0" },
        { application: ref("web-2"), image: "registry.example.com/web", oldTag: "1.0.0", newTag: "1.1.0" },
      ],
    });
    events.emit("cycle:finished", {
      runId: "r1",
      durationMs: 5,
      applications: 2,
      imagesConsidered: 2,
      imagesSkipped: 0,
      imagesUpdated: 2,
      errors: 0,
    });
    const read = () =>
      double.store.get(double.type("argocd-image-updater.argoproj.io/imageupdaters"), "argocd", "web").status as
        | Record<string, unknown>
        | undefined;
    await eventually(() => read() !== undefined, "the status write");

    expect(read()).toMatchObject({
      applicationsMatched: 2,
      imagesManaged: 2,
      lastUpdatedAt: "1970-01-01T00:00:00.000Z",
      recentUpdates: [
        {
          image: "registry.example.com/web",
          newVersion: "1.1.0",
          applicationsUpdated: 2,
          message: "Updated from 1.0.0 to 1.1.0.",
        },
      ],
      conditions: [
        { type: "Ready", status: "True" },
        { type: "Reconciling", status: "False" },
        { type: "Error", status: "False" },
      ],
    });
    expect(double.requests.some((r) => r.verb === "update" && r.subresource === "status")).toBe(true);
  });

  it("reads no CR, says so once and keeps annotations working when the CRD is not installed", async () => {
    const warnings: string[] = [];
    const { client } = clientFor(double);
    const crs = createImageUpdaterResources({ client, namespaces: ["argocd"], onWarning: (_o, m) => warnings.push(m) });
    await crs.refresh();
    await crs.refresh();

    const configured = crs.configResolver([
      application("other", { "argocd-image-updater.argoproj.io/image-list": "app=registry.example.com/other" }),
    ]);
    expect(configured).toHaveLength(1);
    expect(warnings).toEqual(["the ImageUpdater CRD is not installed; only annotations configure Applications"]);
  });
});
