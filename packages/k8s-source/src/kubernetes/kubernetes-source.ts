/**
 * Argo CD Applications from the Kubernetes API: paged lists, and one watch per namespace (or one cluster-wide)
 * that resumes from the last resourceVersion (bookmarks keep it fresh), relists after 410 Gone and reports
 * what changed meanwhile, and reconnects with capped exponential back-off after a drop or an error.
 */
import type {
  Application,
  ApplicationEvent,
  ApplicationRef,
  ApplicationSource,
  RequestOptions,
} from "@image-updater/core";
import { applicationFromObject } from "../application-object.js";
import { EventQueue } from "./event-queue.js";
import type { KubeApiError, KubeCallTarget, KubeClient } from "./kube-client.js";

const GROUP = "argoproj.io";
const VERSION = "v1alpha1";
const PLURAL = "applications";
const PAGE_SIZE = 500;

/** Something the source could not use; the other applications are unaffected. */
export interface KubernetesSourceWarning {
  /** `namespace/name` of the object, or the namespace a watch serves. */
  readonly object: string;
  /** What is wrong and what to do about it. */
  readonly message: string;
}

/** Options of {@link createKubernetesSource}. */
export interface KubernetesSourceOptions {
  readonly client: KubeClient;
  /** Namespaces to read Applications from, or `"*"` for every namespace. @default ["argocd"] */
  readonly namespaces?: readonly string[] | "*";
  /** Label selector passed to the API (`team=a,tier!=db`). */
  readonly labelSelector?: string;
  /** Application names (`--match-application-name`): one plain name becomes a server-side field selector. */
  readonly names?: readonly string[];
  readonly onWarning?: (warning: KubernetesSourceWarning) => void;
  /** Back-off between watch reconnects. @default { initialMs: 500, maxMs: 30_000 } */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** The API source, with what it last saw of each Application (the writer's baseline). */
export interface KubernetesSource extends ApplicationSource {
  watch(options?: RequestOptions): AsyncIterable<ApplicationEvent>;
  /** The raw object last listed or watched, `undefined` when never seen. */
  lastSeen(ref: ApplicationRef): Readonly<Record<string, unknown>> | undefined;
}

interface Scope {
  /** `""` for cluster-wide. */
  readonly namespace: string;
  resourceVersion: string | undefined;
}

const refKey = (ref: ApplicationRef) => `${ref.namespace}/${ref.name}`;

function metadataOf(object: unknown): { name?: string; namespace?: string; resourceVersion?: string } {
  const metadata = (object as { metadata?: unknown } | null)?.metadata;
  return typeof metadata === "object" && metadata !== null ? (metadata as never) : {};
}

/** Creates the Kubernetes API {@link ApplicationSource} (id `kubernetes`). */
export function createKubernetesSource(options: KubernetesSourceOptions): KubernetesSource {
  const { client } = options;
  const namespaces = options.namespaces ?? ["argocd"];
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const plainNames = options.names?.filter((n) => n !== "") ?? [];
  const fieldSelector =
    plainNames.length === 1 && !/[*?[\\]/.test(plainNames[0] ?? "") ? `metadata.name=${plainNames[0]}` : undefined;
  const labelSelector = options.labelSelector?.trim() ? options.labelSelector : undefined;
  const seen = new Map<string, Record<string, unknown>>();
  const scopes: Scope[] =
    namespaces === "*"
      ? [{ namespace: "", resourceVersion: undefined }]
      : namespaces.map((namespace) => ({ namespace, resourceVersion: undefined }));

  const warn = (object: string, message: string) => options.onWarning?.({ object, message });

  const convert = (raw: unknown): Application | null => {
    const meta = metadataOf(raw);
    const label = `${meta.namespace ?? "?"}/${meta.name ?? "?"}`;
    const { application, problems } = applicationFromObject(raw, meta.namespace ?? "");
    for (const problem of problems) warn(label, `Application ${label}: ${problem}`);
    return application;
  };

  /** Every Application of a scope, page by page; records the list's resourceVersion. */
  const listScope = async (scope: Scope, signal: AbortSignal | undefined): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let continueToken: string | undefined;
    const target: KubeCallTarget = { verb: "list", resource: PLURAL, namespace: scope.namespace };
    do {
      const page = {
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        limit: PAGE_SIZE,
        ...(continueToken ? { _continue: continueToken } : {}),
        ...(labelSelector ? { labelSelector } : {}),
        ...(fieldSelector ? { fieldSelector } : {}),
      };
      const list = (await client.call(
        target,
        (callOptions) =>
          scope.namespace === ""
            ? client.custom.listClusterCustomObject(page, callOptions)
            : client.custom.listNamespacedCustomObject({ ...page, namespace: scope.namespace }, callOptions),
        signal,
      )) as { items?: Record<string, unknown>[]; metadata?: { continue?: string; resourceVersion?: string } };
      items.push(...(list.items ?? []));
      continueToken = list.metadata?.continue || undefined;
      scope.resourceVersion = list.metadata?.resourceVersion;
    } while (continueToken);
    return items;
  };

  const inScope = (scope: Scope, key: string) => scope.namespace === "" || key.startsWith(`${scope.namespace}/`);

  /** Relists a scope and yields what differs from what was seen: the catch-up after 410 Gone. */
  const resync = async (scope: Scope, queue: EventQueue<ApplicationEvent> | undefined, signal: AbortSignal) => {
    const items = await listScope(scope, signal);
    const present = new Set<string>();
    for (const raw of items) {
      const meta = metadataOf(raw);
      const key = `${meta.namespace}/${meta.name}`;
      present.add(key);
      const before = seen.get(key);
      seen.set(key, raw);
      if (metadataOf(before).resourceVersion === meta.resourceVersion) continue;
      const application = convert(raw);
      if (application) queue?.push({ type: "upsert", application });
    }
    for (const key of [...seen.keys()]) {
      if (!inScope(scope, key) || present.has(key)) continue;
      seen.delete(key);
      const [namespace = "", name = ""] = key.split("/");
      queue?.push({ type: "delete", ref: { namespace, name } });
    }
  };

  const followScope = async (scope: Scope, queue: EventQueue<ApplicationEvent>, signal: AbortSignal) => {
    let delay = backoff.initialMs;
    const label = scope.namespace === "" ? "all namespaces" : `namespace ${scope.namespace}`;
    const path =
      scope.namespace === ""
        ? `/apis/${GROUP}/${VERSION}/${PLURAL}`
        : `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(scope.namespace)}/${PLURAL}`;
    // Without a list to start from, the first list only sets the starting point: changes come after the call.
    let quiet = scope.resourceVersion === undefined;
    while (!signal.aborted) {
      try {
        if (scope.resourceVersion === undefined) await resync(scope, quiet ? undefined : queue, signal);
        quiet = false;
        let gone = false;
        await client.watch(
          { verb: "watch", resource: PLURAL, namespace: scope.namespace },
          path,
          {
            resourceVersion: scope.resourceVersion,
            allowWatchBookmarks: true,
            ...(labelSelector ? { labelSelector } : {}),
            ...(fieldSelector ? { fieldSelector } : {}),
          },
          (type, object) => {
            if (type === "ERROR") {
              const code = (object as { code?: number } | null)?.code;
              if (code === 410) gone = true;
              else warn(label, `watch of Applications in ${label} sent an error (HTTP ${code ?? "?"}); reconnecting`);
              return;
            }
            const meta = metadataOf(object);
            if (meta.resourceVersion) scope.resourceVersion = meta.resourceVersion;
            if (type === "BOOKMARK") return;
            const key = `${meta.namespace}/${meta.name}`;
            if (type === "DELETED") {
              seen.delete(key);
              queue.push({ type: "delete", ref: { namespace: meta.namespace ?? "", name: meta.name ?? "" } });
              return;
            }
            seen.set(key, object as Record<string, unknown>);
            const application = convert(object);
            if (application) queue.push({ type: "upsert", application });
          },
          signal,
        );
        delay = backoff.initialMs;
        // 410 Gone: the resourceVersion was compacted away; list again and report the difference.
        if (gone) scope.resourceVersion = undefined;
      } catch (error) {
        if (signal.aborted) return;
        const typed = error as KubeApiError;
        warn(label, `watch of Applications in ${label} failed: ${typed.message}; retrying in ${delay} ms`);
        if (typed.status === 410) scope.resourceVersion = undefined;
        await sleep(delay, signal);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
    }
  };

  return {
    id: "kubernetes",
    async list(requestOptions?: RequestOptions) {
      const applications: Application[] = [];
      const listed = new Map<string, Record<string, unknown>>();
      for (const scope of scopes) {
        // Rejects with KubeApiError (SOURCE_UNAVAILABLE), or ABORTED when the signal aborts.
        const items = await listScope(scope, requestOptions?.signal);
        for (const raw of items) {
          const meta = metadataOf(raw);
          listed.set(`${meta.namespace}/${meta.name}`, raw);
          const application = convert(raw);
          if (application) applications.push(application);
        }
      }
      seen.clear();
      for (const [key, raw] of listed) seen.set(key, raw);
      return applications;
    },
    watch(requestOptions?: RequestOptions): AsyncIterable<ApplicationEvent> {
      const signal = requestOptions?.signal ?? new AbortController().signal;
      const queue = new EventQueue<ApplicationEvent>(signal);
      // Watches start from what list() saw, so nothing between the list and the watch is missed.
      const own = scopes.map((scope) => ({ ...scope }));
      void Promise.all(own.map((scope) => followScope(scope, queue, signal))).finally(() => queue.end());
      return queue;
    },
    lastSeen(ref) {
      return seen.get(refKey(ref));
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
