import { mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  deniedRequests,
  type KubeApiDouble,
  kubectl,
  policyRulesOf,
  rulesAllow,
  startKubeApiDouble,
} from "@image-updater/doubles";
import type { WebhookType } from "@image-updater/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { WEBHOOK_SECRET_SETTINGS, webhookSecretKey } from "../src/webhook/webhook-options.js";

const DEPLOY = fileURLToPath(new URL("../../../deploy", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are read field by field
type Manifest = Record<string, any>;

async function render(double: KubeApiDouble, dir: string): Promise<Manifest[]> {
  const result = await kubectl(double, ["kustomize", dir]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as Manifest);
}

describe("deploy/: the kustomize install", { timeout: 60_000 }, () => {
  let double: KubeApiDouble;
  let base: Manifest[];
  beforeAll(async () => {
    double = await startKubeApiDouble();
    base = await render(double, DEPLOY);
  });
  afterAll(() => double.stop());

  it("renders the CRD, a hardened Deployment with probes, and argocd-image-updater's ConfigMap and Secret", () => {
    const kinds = base.map((m) => `${m.kind}/${m.metadata.name}`).sort();
    expect(kinds).toEqual([
      "ConfigMap/argocd-image-updater-config",
      "CustomResourceDefinition/imageupdaters.argocd-image-updater.argoproj.io",
      "Deployment/argocd-image-updater",
      "Role/argocd-image-updater",
      "RoleBinding/argocd-image-updater",
      "Secret/argocd-image-updater-secret",
      "Service/argocd-image-updater",
      "ServiceAccount/argocd-image-updater",
    ]);
    const deployment = base.find((m) => m.kind === "Deployment") as Manifest;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.serviceAccountName).toBe("argocd-image-updater");
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.livenessProbe.httpGet.path).toBe("/healthz");
    expect(container.readinessProbe.httpGet.path).toBe("/readyz");
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    const configMount = container.volumeMounts.find((v: Manifest) => v.mountPath === "/app/config");
    const configVolume = pod.volumes.find((v: Manifest) => v.name === configMount.name);
    expect(configVolume.configMap.name).toBe("argocd-image-updater-config");
    const secret = base.find((m) => m.kind === "Secret") as Manifest;
    // Every key the receiver reads (webhookSecretKey), so the Secret documents them all.
    expect(Object.keys(secret.stringData).sort()).toEqual(
      (Object.keys(WEBHOOK_SECRET_SETTINGS) as WebhookType[]).map(webhookSecretKey).sort(),
    );
    expect(base.every((m) => m.kind === "CustomResourceDefinition" || m.metadata.namespace === "argocd")).toBe(true);
  });

  it("grants no wildcard in any Role or ClusterRole, base or components", async () => {
    const dir = await mkdtemp(join(tmpdir(), "deploy-components-"));
    await symlink(DEPLOY, join(dir, "deploy"));
    await writeFile(
      join(dir, "kustomization.yaml"),
      [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources: [deploy]",
        "components: [deploy/components/cluster-wide, deploy/components/monitoring]",
        "",
      ].join("\n"),
    );
    const everything = await render(double, dir);
    const rules = [...policyRulesOf(everything), ...policyRulesOf(everything, "ClusterRole")];

    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect([...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs]).not.toContain("*");
    }
    const deployment = everything.find((m) => m.kind === "Deployment") as Manifest;
    expect(deployment.spec.template.spec.containers[0].args).toContain("--watch-namespaces=*");
    expect(everything.some((m) => m.kind === "ServiceMonitor")).toBe(true);
    const dashboard = everything.find((m) => m.metadata.name === "argocd-image-updater-dashboard") as Manifest;
    expect(JSON.parse(dashboard.data["argocd-image-updater.json"]).panels.length).toBeGreaterThan(3);
  });

  it("installs onto the Kubernetes API double with kubectl apply -k, and a second apply changes nothing", async () => {
    const first = await kubectl(double, ["apply", "--validate=false", "-k", DEPLOY, "-n", "argocd"]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("deployment.apps/argocd-image-updater created");
    expect(first.stdout).toContain(
      "customresourcedefinition.apiextensions.k8s.io/imageupdaters.argocd-image-updater.argoproj.io created",
    );
    const secretVersion = () =>
      double.store.get(double.type("secrets"), "argocd", "argocd-image-updater-secret").metadata.resourceVersion;
    const before = secretVersion();
    const second = await kubectl(double, ["apply", "--validate=false", "-k", DEPLOY, "-n", "argocd"]);
    // kubectl re-sends a Secret's write-only stringData, so it says "configured"; the server changes nothing.
    const changed = second.stdout
      .trim()
      .split("\n")
      .filter((line) => !line.endsWith(" unchanged"));
    expect(changed).toEqual(["secret/argocd-image-updater-secret configured"]);
    expect(secretVersion()).toBe(before);
    const installed = JSON.parse(
      (await kubectl(double, ["get", "deployment", "argocd-image-updater", "-o", "json"])).stdout,
    );
    expect(installed.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    // The CRD registered its type: kubectl can list ImageUpdaters now.
    expect((await kubectl(double, ["get", "imageupdaters"])).stderr).toContain("No resources found");
  });

  it("checks requests against the Role: everything the updater asks in its namespace is allowed, a wildcard-free miss is not", () => {
    const rules = policyRulesOf(base);
    const request = (verb: string, group: string, resource: string, subresource = "") => ({
      verb,
      group,
      resource,
      subresource,
      name: "",
    });
    for (const allowed of [
      request("watch", "argoproj.io", "applications"),
      request("patch", "argoproj.io", "applications"),
      request("get", "", "secrets"),
      request("create", "", "events"),
      request("update", "coordination.k8s.io", "leases"),
      request("patch", "argocd-image-updater.argoproj.io", "imageupdaters", "status"),
    ]) {
      expect(rulesAllow(rules, allowed)).toBe(true);
    }
    expect(rulesAllow(rules, request("update", "argoproj.io", "applications"))).toBe(false);
    expect(rulesAllow(rules, request("delete", "", "secrets"))).toBe(false);
    expect(rulesAllow(rules, request("patch", "argocd-image-updater.argoproj.io", "imageupdaters"))).toBe(false);
    expect(
      deniedRequests(
        rules,
        double.requests.filter((r) => r.resource === "applications"),
      ),
    ).toEqual([]);
  });
});
