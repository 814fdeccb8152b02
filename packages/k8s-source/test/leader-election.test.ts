import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeApiDouble, startKubeApiDouble } from "@image-updater/doubles";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKubernetesEventRecorder, createLeaderElector, type LeaderElector } from "../src/index.js";
import { clientFor } from "./kube-fixture.js";

const timing = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };

describe("createLeaderElector (against the Kubernetes API double)", () => {
  let double: KubeApiDouble;
  const electors: LeaderElector[] = [];
  beforeEach(async () => {
    double = await startKubeApiDouble();
  });
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
    await double.stop();
  });

  const elector = (identity: string) => {
    const created = createLeaderElector({ client: clientFor(double).client, namespace: "argocd", identity, ...timing });
    electors.push(created);
    return created;
  };
  const holder = () =>
    (
      double.store.get(double.type("coordination.k8s.io/leases"), "argocd", "c21b75f2.argoproj.io").spec as {
        holderIdentity: string;
      }
    ).holderIdentity;

  it("elects exactly one of two candidates, and the other takes over after a release", async () => {
    const a = elector("replica-a");
    await a.whenLeading();
    const b = elector("replica-b");
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(holder()).toBe("replica-a");

    const released = Date.now();
    await a.stop();
    await b.whenLeading();

    expect(Date.now() - released).toBeLessThan(1000);
    expect(holder()).toBe("replica-b");
  });

  it("a standby takes a Lease whose holder stopped renewing; the old leader steps down before that", async () => {
    await double.stop();
    double = await startKubeApiDouble({ tokens: { "token-a": "replica-a", "token-b": "replica-b" } });
    const kubeconfigB = join(await mkdtemp(join(tmpdir(), "kubeconfig-b-")), "config");
    await writeFile(kubeconfigB, double.kubeconfig({ token: "token-b" }));
    const a = elector("replica-a");
    await a.whenLeading();
    let steppedDown = 0;
    a.onStoppedLeading(() => {
      steppedDown = Date.now();
    });
    const b = createLeaderElector({
      client: clientFor(double, kubeconfigB).client,
      namespace: "argocd",
      identity: "replica-b",
      ...timing,
    });
    electors.push(b);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(b.isLeader).toBe(false);

    // The leader loses the API (its renewals fail) while the standby still reaches it.
    double.faults.push({ match: (r) => r.user === "replica-a" && r.resource === "leases", status: 503 });
    const lost = Date.now();
    await b.whenLeading();
    const tookOver = Date.now();

    expect(a.isLeader).toBe(false);
    expect(steppedDown).toBeGreaterThan(0);
    expect(steppedDown).toBeLessThanOrEqual(tookOver);
    expect(tookOver - lost).toBeLessThan(timing.leaseDurationMs + 3 * timing.retryPeriodMs + 500);
    expect(holder()).toBe("replica-b");
  });

  it("writes an ImagesUpdated Event on the Application as argocd-image-updater does", async () => {
    const { client } = clientFor(double);
    const recorder = createKubernetesEventRecorder({ client, uidOf: () => "uid-1", now: () => new Date(0) });
    await recorder.imagesUpdated({ namespace: "argocd", name: "web" }, [
      { image: "registry.example.com/web", oldTag: "1.0.0", newTag: "1.1.0" },
    ]);
    const [event] = double.store.list(double.type("events"), "argocd");

    expect(event).toMatchObject({
      reason: "ImagesUpdated",
      message: "Successfully updated application 'web'",
      type: "Normal",
      involvedObject: { kind: "Application", name: "web", namespace: "argocd", uid: "uid-1" },
      source: { component: "argocd-image-updater" },
      metadata: {
        annotations: {
          "argocd-image-updater.image-0/full-image-name": "registry.example.com/web:1.1.0",
          "argocd-image-updater.image-0/image-name": "registry.example.com/web",
          "argocd-image-updater.image-0/old-tag": "1.0.0",
          "argocd-image-updater.image-0/new-tag": "1.1.0",
        },
      },
    });
  });
});
