/** Where the Kubernetes API is: `--kubeconfig FILE`, else `$KUBECONFIG`, else the in-cluster service account. */
import { ImageUpdaterError } from "@image-updater/core";
import { KubeConfig } from "@kubernetes/client-node";

/** Options of {@link loadKubeConfig}. */
export interface KubeConfigOptions {
  /** A kubeconfig file (`--kubeconfig`); wins over the environment. */
  readonly kubeconfig?: string;
  /** Where `KUBECONFIG` and `KUBERNETES_SERVICE_HOST` are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** True when the options or environment name a Kubernetes API (so the daemon runs in API mode). */
export function hasKubeConfig(options: KubeConfigOptions = {}): boolean {
  const env = options.env ?? process.env;
  return Boolean(options.kubeconfig || env.KUBECONFIG || env.KUBERNETES_SERVICE_HOST);
}

/** True when the configuration is the in-cluster service account (leader election is on by default there). */
export function isInCluster(options: KubeConfigOptions = {}): boolean {
  const env = options.env ?? process.env;
  return !options.kubeconfig && !env.KUBECONFIG && Boolean(env.KUBERNETES_SERVICE_HOST);
}

/**
 * Loads the client configuration. Throws `CONFIG_INVALID` naming what to pass when there is none, or when
 * the kubeconfig cannot be read or names no current cluster.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const config = new KubeConfig();
  // Only the first file of a KUBECONFIG list is read: merging contexts across files is kubectl's business.
  const file = options.kubeconfig || env.KUBECONFIG?.split(":").find((part) => part !== "");
  try {
    if (file) config.loadFromFile(file);
    else if (env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
    else {
      throw new ImageUpdaterError(
        "CONFIG_INVALID",
        "no Kubernetes API configured: pass --kubeconfig FILE, set KUBECONFIG, or run in a cluster (KUBERNETES_SERVICE_HOST)",
      );
    }
  } catch (error) {
    if (error instanceof ImageUpdaterError) throw error;
    throw new ImageUpdaterError(
      "CONFIG_INVALID",
      file
        ? `cannot read kubeconfig ${file}: ${(error as Error).message}`
        : `cannot read the in-cluster service account: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (config.getCurrentCluster() === null) {
    throw new ImageUpdaterError(
      "CONFIG_INVALID",
      `kubeconfig ${file ?? "(in-cluster)"} has no current context with a cluster; set current-context`,
    );
  }
  return config;
}
