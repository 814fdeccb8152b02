/**
 * The resource types the Kubernetes API double serves, described the way discovery reports them. Built-ins
 * are the few kinds image-updater and its install touch; custom resources appear when their CRD is created,
 * as on a real API server.
 */

/** One served resource type (a group, version and plural). */
export interface ResourceType {
  /** API group; `""` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  /** True when `.status` is a subresource: the main resource ignores status writes, `/status` only takes them. */
  readonly statusSubresource: boolean;
}

/** `group/version`, or `version` for the core group. */
export function groupVersion(type: Pick<ResourceType, "group" | "version">): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** The `APIResourceList` entries of `type` (the resource, and its status subresource when it has one). */
export function discoveryEntries(type: ResourceType): Record<string, unknown>[] {
  const entries: Record<string, unknown>[] = [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: VERBS,
      ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    },
  ];
  if (type.statusSubresource) {
    entries.push({
      name: `${type.plural}/status`,
      singularName: "",
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: ["get", "patch", "update"],
    });
  }
  return entries;
}

const builtin = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  options: { namespaced?: boolean; shortNames?: string[]; status?: boolean } = {},
): ResourceType => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced: options.namespaced ?? true,
  statusSubresource: options.status ?? false,
  ...(options.shortNames ? { shortNames: options.shortNames } : {}),
});

/** What a fresh cluster serves before any CRD is installed. */
export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  builtin("", "v1", "Namespace", "namespaces", { namespaced: false, shortNames: ["ns"], status: true }),
  builtin("", "v1", "Secret", "secrets"),
  builtin("", "v1", "ConfigMap", "configmaps", { shortNames: ["cm"] }),
  builtin("", "v1", "Event", "events", { shortNames: ["ev"] }),
  builtin("", "v1", "ServiceAccount", "serviceaccounts", { shortNames: ["sa"] }),
  builtin("", "v1", "Service", "services", { shortNames: ["svc"], status: true }),
  builtin("apps", "v1", "Deployment", "deployments", { shortNames: ["deploy"], status: true }),
  builtin("rbac.authorization.k8s.io", "v1", "Role", "roles"),
  builtin("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
  builtin("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", { namespaced: false }),
  builtin("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", { namespaced: false }),
  builtin("coordination.k8s.io", "v1", "Lease", "leases"),
  builtin("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", {
    namespaced: false,
    shortNames: ["crd", "crds"],
    status: true,
  }),
];

/** The types a CustomResourceDefinition object declares (one per served version); `[]` when malformed. */
export function typesFromCrd(crd: unknown): ResourceType[] {
  const spec = (crd as { spec?: Record<string, unknown> } | undefined)?.spec;
  const names = spec?.names as Record<string, unknown> | undefined;
  const versions = spec?.versions as { name?: string; served?: boolean; subresources?: { status?: unknown } }[];
  if (typeof spec?.group !== "string" || typeof names?.plural !== "string" || typeof names.kind !== "string") return [];
  if (!Array.isArray(versions)) return [];
  return versions
    .filter((v) => typeof v.name === "string" && v.served !== false)
    .map((v) => ({
      group: spec.group as string,
      version: v.name as string,
      plural: names.plural as string,
      singular: typeof names.singular === "string" ? names.singular : (names.kind as string).toLowerCase(),
      kind: names.kind as string,
      namespaced: spec.scope !== "Cluster",
      statusSubresource: v.subresources?.status !== undefined,
      ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames as string[] } : {}),
    }));
}

const crd = (
  group: string,
  kind: string,
  plural: string,
  shortNames: string[],
  status: boolean,
): Record<string, unknown> => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: "Namespaced",
    names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List`, shortNames },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        ...(status ? { subresources: { status: {} } } : {}),
      },
    ],
  },
});

/** Argo CD's Application CRD as Argo CD installs it (no status subresource: Argo CD writes status in place). */
export const ARGOCD_APPLICATION_CRD = crd("argoproj.io", "Application", "applications", ["app", "apps"], false);

/** argocd-image-updater v1.x's ImageUpdater CRD, for tests that do not install the product's own. */
export const IMAGE_UPDATER_CRD = crd("argocd-image-updater.argoproj.io", "ImageUpdater", "imageupdaters", [], true);
