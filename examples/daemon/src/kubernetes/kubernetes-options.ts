/**
 * The flags of Kubernetes mode, named as argocd-image-updater names them, and how they resolve: with no
 * `--applications-dir` and a kubeconfig (`--kubeconfig`, `$KUBECONFIG`) or an in-cluster service account,
 * `run` reads Applications and Secrets from the API.
 */
import { hasKubeConfig, isInCluster } from "@image-updater/k8s-source";
import type { FlagSpec } from "../cli/parse-flags.js";
import { parseBoolean } from "../cli/parse-flags.js";
import type { SettingOrigin } from "../config/setting-origin.js";

/** Kubernetes mode, resolved. */
export interface KubernetesRunOptions {
  /** `--kubeconfig FILE`; `null`: `$KUBECONFIG`, else the in-cluster service account. */
  readonly kubeconfig: string | null;
  /** Namespaces whose Applications are read, or `"*"` for all. */
  readonly namespaces: readonly string[] | "*";
  /** Where Argo CD keeps its repository Secrets. */
  readonly argocdNamespace: string;
  readonly leaderElection: boolean;
  readonly leaderElectionNamespace: string;
  /** Send `ImagesUpdated` Events (off with `--disable-kube-events`). */
  readonly kubeEvents: boolean;
}

/**
 * The flags, merged into `run`'s; each replaces argocd-image-updater's entry of the same name in
 * `peer-flags.ts`, with the peer's environment variable and ConfigMap key.
 */
export const KUBERNETES_FLAGS: Readonly<Record<string, FlagSpec>> = {
  kubeconfig: {
    type: "string",
    placeholder: "FILE",
    help: "read Applications and Secrets from the Kubernetes API with this kubeconfig (else $KUBECONFIG, else in-cluster)",
  },
  "application-namespace": {
    type: "string",
    placeholder: "NS",
    help: "read Applications from this namespace only (default: the Argo CD namespace)",
  },
  "watch-namespaces": {
    type: "string",
    placeholder: "NS,NS|*",
    help: "read Applications from these namespaces, * for all (needs the cluster-wide install)",
    env: "IMAGE_UPDATER_WATCH_NAMESPACES",
    configKeys: ["watch.namespaces"],
  },
  "leader-election": {
    type: "boolean",
    help: "one active replica, chosen on a Lease (default on in a cluster, off otherwise)",
  },
  "leader-election-namespace": {
    type: "string",
    placeholder: "NS",
    help: "namespace of the leader election Lease (default: the Argo CD namespace)",
  },
  // The peer reads IMAGE_UPDATER_KUBE_EVENTS (ConfigMap `kube.events`) as this flag's value: true disables.
  "disable-kube-events": {
    type: "boolean",
    help: "send no ImagesUpdated Kubernetes Event after an update",
    env: "IMAGE_UPDATER_KUBE_EVENTS",
    configKeys: ["kube.events"],
  },
};

/** How {@link resolveKubernetesOptions} reads a flag's value: flag, then its environment variable, then its config key. */
export type OptionReader = (flag: string) => SettingOrigin | null;

/**
 * Kubernetes mode from the options, or `null` for directory mode (an applications folder is given, or no
 * API is configured). Problems are pushed to `errors` naming the flag and what to write instead.
 */
export function resolveKubernetesOptions(
  read: OptionReader,
  env: Readonly<Record<string, string | undefined>>,
  argocdNamespace: string,
  errors: string[],
): KubernetesRunOptions | null {
  // $KUBECONFIG is resolved here, from the environment `run` was given, so the loader needs no other.
  const kubeconfig = read("kubeconfig")?.value ?? env.KUBECONFIG?.split(":").find((part) => part !== "") ?? null;
  if (read("applications-dir") !== null) return null;
  if (!hasKubeConfig({ ...(kubeconfig ? { kubeconfig } : {}), env })) return null;
  const flag = (name: string) => {
    const origin = read(name);
    if (origin === null) return null;
    const parsed = parseBoolean(origin.value);
    if (parsed === null) errors.push(`invalid value "${origin.value}" for ${origin.where}: write true or false`);
    return parsed;
  };
  const single = read("application-namespace")?.value ?? null;
  const watchOrigin = read("watch-namespaces");
  const watch = watchOrigin?.value ?? null;
  let namespaces: readonly string[] | "*" = [argocdNamespace];
  if (single !== null && single.trim() !== "") namespaces = [single.trim()];
  else if (watch !== null && watch.trim() !== "") {
    const list = watch.split(",").map((n) => n.trim());
    if (list.includes("*")) namespaces = "*";
    else if (list.some((n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n))) {
      errors.push(
        `invalid value "${watch}" for ${watchOrigin?.where}: write namespace names separated by commas, or *`,
      );
    } else namespaces = list;
  }
  return {
    kubeconfig,
    namespaces,
    argocdNamespace,
    leaderElection: flag("leader-election") ?? isInCluster({ ...(kubeconfig ? { kubeconfig } : {}), env }),
    leaderElectionNamespace: read("leader-election-namespace")?.value ?? argocdNamespace,
    kubeEvents: flag("disable-kube-events") !== true,
  };
}
