/** Shared set-up of the Kubernetes API tests: a double, a client over its kubeconfig, and Application objects. */
import type { KubeApiDouble, KubeObject } from "@image-updater/doubles";
import { createKubeClient, type KubeApiRequestEvent, type KubeClient, loadKubeConfig } from "../src/index.js";

/** A client for `double`, recording the requests it counts. */
export function clientFor(double: KubeApiDouble, kubeconfig = double.kubeconfigPath) {
  const counted: KubeApiRequestEvent[] = [];
  const client: KubeClient = createKubeClient(loadKubeConfig({ kubeconfig, env: {} }), {
    onRequest: (event) => counted.push(event),
  });
  return { client, counted };
}

/** An Argo CD Application object. */
export function applicationObject(
  name: string,
  options: {
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    source?: Record<string, unknown>;
    sources?: Record<string, unknown>[];
  } = {},
): KubeObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name,
      namespace: options.namespace ?? "argocd",
      labels: options.labels ?? {},
      annotations: options.annotations ?? {},
    },
    spec: {
      project: "default",
      ...(options.sources
        ? { sources: options.sources }
        : { source: options.source ?? { repoURL: "https://git.example.com/deploy.git", path: name } }),
    },
  };
}

/** Waits until `check` holds, polling every 20 ms; throws with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
