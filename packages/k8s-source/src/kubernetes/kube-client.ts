/**
 * One door to the Kubernetes API for every adapter of this package: the typed client-node APIs, each call
 * counted (verb, resource, status) for `argocd_image_updater_k8s_api_requests_total`, aborted with the
 * caller's signal, and its failure turned into a typed error that names the object but never a body.
 */
import { SourceError } from "@image-updater/core";
import {
  type ConfigurationOptions,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Observable,
  type RequestContext,
  type ResponseContext,
  Watch,
} from "@kubernetes/client-node";

/** One request to the API, as metrics and trace logs see it. */
export interface KubeApiRequestEvent {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`. */
  readonly verb: string;
  /** Plural resource, e.g. `applications`, `secrets`, `leases`. */
  readonly resource: string;
  readonly namespace: string;
  /** HTTP status, or `null` when no answer came (network, abort). */
  readonly status: number | null;
}

/** What a call is about, for its error message and its count. */
export interface KubeCallTarget {
  readonly verb: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name?: string;
}

/** An API failure: a {@link SourceError} with the HTTP status (`null` when the server never answered). */
export class KubeApiError extends SourceError {
  constructor(
    readonly status: number | null,
    message: string,
    options: { cause?: unknown; retryable: boolean },
  ) {
    super("SOURCE_UNAVAILABLE", message, options);
  }
}

/** Per-call options handed to a client-node method: the abort signal and the status recorder. */
export type CallOptions = ConfigurationOptions;

/** Options of {@link createKubeClient}. */
export interface KubeClientOptions {
  /** Called after every request, successful or not. */
  readonly onRequest?: (event: KubeApiRequestEvent) => void;
}

/** The API as this package uses it. */
export interface KubeClient {
  readonly config: KubeConfig;
  /** The API server URL, for messages. */
  readonly server: string;
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  /** Runs one counted, abortable request (with extra `headers`, e.g. a patch's content type); rejects with {@link KubeApiError}. */
  call<T>(
    target: KubeCallTarget,
    run: (options: CallOptions) => Promise<T>,
    signal?: AbortSignal,
    headers?: Readonly<Record<string, string>>,
  ): Promise<T>;
  /**
   * Streams a watch: `onEvent` gets each `{type, object}`; resolves when the server ends the stream or
   * `signal` aborts, rejects with {@link KubeApiError} when it cannot be opened or breaks.
   */
  watch(
    target: KubeCallTarget,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: unknown) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}

const describe = (target: KubeCallTarget) =>
  `${target.verb} ${target.resource}${target.name ? ` "${target.name}"` : ""}${target.namespace ? ` in namespace ${target.namespace}` : ""}`;

/** Turns whatever a client-node call threw into a {@link KubeApiError}; messages carry no response body. */
export function kubeApiError(error: unknown, target: KubeCallTarget, server: string): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const status = statusOf(error);
  const what = describe(target);
  if (status === 401) {
    return new KubeApiError(
      401,
      `[kubernetes] ${what}: 401 Unauthorized; the kubeconfig's token or certificate was refused by ${server}`,
      { cause: error, retryable: false },
    );
  }
  if (status === 403) {
    return new KubeApiError(
      403,
      `[kubernetes] ${what}: 403 Forbidden; grant the verb "${target.verb}" on "${target.resource}" to the service account (see deploy/role.yaml)`,
      { cause: error, retryable: false },
    );
  }
  if (status === 404)
    return new KubeApiError(404, `[kubernetes] ${what}: not found`, { cause: error, retryable: false });
  if (status === 409)
    return new KubeApiError(409, `[kubernetes] ${what}: 409 Conflict (changed by another writer)`, {
      cause: error,
      retryable: true,
    });
  if (status === 410)
    return new KubeApiError(410, `[kubernetes] ${what}: 410 Gone (resourceVersion too old)`, {
      cause: error,
      retryable: true,
    });
  if (status !== null) {
    return new KubeApiError(status, `[kubernetes] ${what}: HTTP ${status}`, {
      cause: error,
      retryable: status === 429 || status >= 500,
    });
  }
  const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  return new KubeApiError(null, `[kubernetes] ${what}: ${server} did not answer (${reason})`, {
    cause: error,
    retryable: true,
  });
}

function statusOf(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const record = error as { code?: unknown; statusCode?: unknown };
  if (typeof record.code === "number") return record.code;
  if (typeof record.statusCode === "number") return record.statusCode;
  return null;
}

/** Builds the client over a loaded `KubeConfig` (see {@link loadKubeConfig}). */
export function createKubeClient(config: KubeConfig, options: KubeClientOptions = {}): KubeClient {
  const server = config.getCurrentCluster()?.server ?? "the API server";
  const report = (target: KubeCallTarget, status: number | null) =>
    options.onRequest?.({ verb: target.verb, resource: target.resource, namespace: target.namespace, status });
  return {
    config,
    server,
    custom: config.makeApiClient(CustomObjectsApi),
    core: config.makeApiClient(CoreV1Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    async call(target, run, signal, headers) {
      if (signal?.aborted)
        throw new SourceError("ABORTED", `[kubernetes] ${describe(target)}: aborted`, { cause: signal.reason });
      let status: number | null = null;
      const callOptions: CallOptions = {
        middleware: [
          {
            pre: (context: RequestContext) => {
              if (signal) context.setSignal(signal);
              for (const [key, value] of Object.entries(headers ?? {})) context.setHeaderParam(key, value);
              return new Observable(Promise.resolve(context));
            },
            post: (context: ResponseContext) => {
              status = context.httpStatusCode;
              return new Observable(Promise.resolve(context));
            },
          },
        ],
        middlewareMergeStrategy: "append",
      };
      try {
        const result = await run(callOptions);
        report(target, status ?? 200);
        return result;
      } catch (error) {
        report(target, status ?? statusOf(error));
        if (signal?.aborted)
          throw new SourceError("ABORTED", `[kubernetes] ${describe(target)}: aborted`, { cause: error });
        throw kubeApiError(error, target, server);
      }
    },
    watch(target, path, query, onEvent, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return resolve();
        let controller: AbortController | undefined;
        const onAbort = () => controller?.abort();
        signal?.addEventListener("abort", onAbort, { once: true });
        let opened = false;
        const finish = (error: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          if (!opened && !signal?.aborted)
            report(target, error === null || error === undefined ? 200 : statusOf(error));
          if (signal?.aborted || error === null || error === undefined) resolve();
          else reject(kubeApiError(error, target, server));
        };
        new Watch(config)
          .watch(
            path,
            query,
            (type, object) => {
              if (!opened) {
                opened = true;
                report(target, 200);
              }
              onEvent(type, object);
            },
            finish,
          )
          .then((c) => {
            controller = c;
            if (signal?.aborted) c.abort();
          }, finish);
      });
    },
  };
}
