/**
 * The Kubernetes API adapters pass their families' suites against the Kubernetes API double: Applications as
 * Argo CD objects, Secrets with base64 `data` (half of the keys written as `stringData`, as users write them).
 */
import { describeApplicationSourceConformance, describeSecretResolverConformance } from "@image-updater/conformance";
import type { Application } from "@image-updater/core";
import { type KubeApiDouble, type KubeObject, startKubeApiDouble } from "@image-updater/doubles";
import { createKubernetesSecrets, createKubernetesSource } from "../src/index.js";
import { clientFor } from "./kube-fixture.js";

let double: KubeApiDouble | undefined;
let stopped = false;
const cleanup = async () => {
  if (!stopped) await double?.stop();
  double = undefined;
  stopped = false;
};

function applicationObject(application: Application): KubeObject {
  const { namespace, name, labels, annotations, spec } = application;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace, labels: { ...labels }, annotations: { ...annotations } },
    spec: structuredClone(spec) as Record<string, unknown>,
  };
}

async function kubernetesSource(applications: readonly Application[]) {
  const api = await startKubeApiDouble({ namespaces: ["argocd", "apps"], bookmarkIntervalMs: 200 });
  double = api;
  for (const application of applications) api.put("argoproj.io/applications", applicationObject(application));
  const type = api.type("argoproj.io/applications");
  return {
    source: createKubernetesSource({
      client: clientFor(api).client,
      namespaces: "*",
      backoff: { initialMs: 50, maxMs: 200 },
    }),
    upsert: async (application: Application) =>
      void api.put("argoproj.io/applications", applicationObject(application)),
    remove: async (ref: { namespace: string; name: string }) => void api.store.delete(type, ref.namespace, ref.name),
    makeUnavailable: async () => {
      stopped = true;
      await api.stop();
    },
  };
}

describeApplicationSourceConformance(
  "Kubernetes API source",
  { create: kubernetesSource, cleanup, watchSettleMs: 300 },
  { timeoutMs: 30_000 },
);

function secretObject(key: string, data: Readonly<Record<string, string>>): KubeObject {
  const [namespace = "", name = ""] = key.split("/");
  const entries = Object.entries(data);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    data: Object.fromEntries(
      entries.filter((_, i) => i % 2 === 0).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    ),
    stringData: Object.fromEntries(entries.filter((_, i) => i % 2 === 1)),
  };
}

describeSecretResolverConformance("Kubernetes API secret resolver", {
  async create(secrets) {
    const api = await startKubeApiDouble({ namespaces: ["argocd", "team-a", "team-b"] });
    double = api;
    for (const [key, data] of Object.entries(secrets)) api.put("secrets", secretObject(key, data));
    const type = api.type("secrets");
    return {
      // No cache in the suite: rotation must show on the next call (the 30 s TTL is tested on its own).
      resolver: createKubernetesSecrets({ client: clientFor(api).client, ttlMs: 0 }).resolver,
      async set(namespace, name, data) {
        if (data === null) api.store.delete(type, namespace, name);
        else {
          const existing = api.store.list(type, namespace).find((s) => s.metadata.name === name);
          if (existing) api.store.delete(type, namespace, name);
          api.put("secrets", secretObject(`${namespace}/${name}`, data));
        }
      },
    };
  },
  cleanup,
});
