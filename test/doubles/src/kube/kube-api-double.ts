/**
 * A Kubernetes API server double: no kube-apiserver can run on these machines, so this serves the parts of
 * the protocol that kubectl, @kubernetes/client-node and image-updater use, keeping their real semantics:
 * HTTPS with a CA in a generated kubeconfig, bearer tokens, discovery, get/list/watch with resourceVersion,
 * bookmarks and 410 Gone after compaction, create/update/delete, merge, JSON and strategic-merge patches,
 * 409 on a stale resourceVersion, label and field selectors, the status subresource, and CRDs that add types.
 * It is a double: no admission, no validation, no garbage collection, no RBAC unless a test injects a 403.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSelfSignedCertificate } from "@image-updater/bench";
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from "./patch.js";
import {
  ARGOCD_APPLICATION_CRD,
  BUILTIN_RESOURCES,
  discoveryEntries,
  groupVersion,
  type ResourceType,
} from "./resources.js";
import { compileSelectors } from "./selectors.js";
import { ApiFailure, type KubeObject, KubeStore, qualifiedResource, type StoreEvent } from "./store.js";

/** A request the double received, with the API verb it maps to. */
export interface KubeRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, or `discovery` for everything else. */
  readonly verb: string;
  readonly group: string;
  /** Plural, e.g. `applications`; `""` for discovery. */
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  /** The user the bearer token belongs to; `""` when unauthenticated. */
  readonly user: string;
  /** `content-type` of a patch, so tests can tell merge from JSON patch. */
  readonly contentType: string;
  /** Answered status; watches report 200 when the stream opens. */
  status: number;
}

/** A fault to answer instead of serving, e.g. a 403 for one verb on one resource. */
export interface KubeFault {
  readonly match: (request: KubeRequest) => boolean;
  readonly status: number;
  readonly reason?: string;
  /** How many requests it answers; `Infinity` by default. */
  times?: number;
}

/** Options of {@link startKubeApiDouble}. */
export interface KubeApiDoubleOptions {
  /** Namespaces created at start besides `default` and `kube-system`. @default ["argocd"] */
  readonly namespaces?: readonly string[];
  /** Bearer tokens and the user each one authenticates. @default { "double-token": "tester" } */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Install Argo CD's Application CRD at start. @default true */
  readonly argocdCrd?: boolean;
  /** Milliseconds between BOOKMARK events on watches that allow them. @default 1000 */
  readonly bookmarkIntervalMs?: number;
}

/** Options of {@link KubeApiDouble.kubeconfig}. */
export interface KubeconfigOptions {
  readonly namespace?: string;
  readonly token?: string;
}

/** A running Kubernetes API double on 127.0.0.1. */
export interface KubeApiDouble {
  /** `https://127.0.0.1:PORT` */
  readonly origin: string;
  /** PEM of the CA the server's certificate chains to (it is its own CA). */
  readonly caCertificate: string;
  /** A kubeconfig file for the first token, context namespace `argocd`. */
  readonly kubeconfigPath: string;
  readonly store: KubeStore;
  /** Every request, in order. */
  readonly requests: KubeRequest[];
  /** Faults answered before serving, first match wins. */
  readonly faults: KubeFault[];
  /** kubeconfig YAML text for a token and namespace. */
  kubeconfig(options?: KubeconfigOptions): string;
  /** The type serving `group/plural` (e.g. `argoproj.io/applications`, `/secrets`); throws when none does. */
  type(resource: string): ResourceType;
  /** Seeds or reads objects without HTTP: create, or replace when it exists. */
  put(resource: string, object: KubeObject): KubeObject;
  /** Ends every open watch, as an API server restart or a load balancer timeout does. */
  closeWatches(): void;
  stop(): Promise<void>;
}

const status = (code: number, reason: string, message: string, details?: Record<string, unknown>) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message,
  reason,
  code,
  ...(details ? { details } : {}),
});

interface Route {
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly plural: string;
  readonly name: string;
  readonly subresource: string;
}

/** Splits `/api/v1/...` and `/apis/G/V/...` into a resource route; `undefined` for discovery paths. */
function parseRoute(path: string, types: () => ResourceType[]): Route | undefined {
  const parts = path
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) [group, version, rest] = ["", parts[1] ?? "", parts.slice(2)];
  else if (parts[0] === "apis" && parts.length >= 4)
    [group, version, rest] = [parts[1] ?? "", parts[2] ?? "", parts.slice(3)];
  else return undefined;
  let namespace = "";
  const isType = (plural: string | undefined) => types().some((t) => t.group === group && t.plural === plural);
  // Only the core group has a `namespaces` resource (with subresources such as `status`); elsewhere the
  // segment always scopes a namespaced resource, served or not.
  if (rest[0] === "namespaces" && rest.length >= 3 && (group !== "" || isType(rest[2]))) {
    namespace = rest[1] ?? "";
    rest = rest.slice(2);
  }
  return { group, version, namespace, plural: rest[0] ?? "", name: rest[1] ?? "", subresource: rest[2] ?? "" };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiFailure(400, "BadRequest", "the request body is not valid JSON");
  }
}

/** Starts a {@link KubeApiDouble} on an ephemeral port, with its certificate and kubeconfig in a temp dir. */
export async function startKubeApiDouble(options: KubeApiDoubleOptions = {}): Promise<KubeApiDouble> {
  const dir = await mkdtemp(join(tmpdir(), "kube-api-double-"));
  const certificate = await createSelfSignedCertificate(dir, {
    commonName: "kube-api-double",
    days: 2,
    ipAddress: "127.0.0.1",
  });
  const tokens = options.tokens ?? { "double-token": "tester" };
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 1000;
  const store = new KubeStore();
  const requests: KubeRequest[] = [];
  const faults: KubeFault[] = [];
  const watches = new Set<ServerResponse>();
  const namespaceType = store.types().find((t) => t.plural === "namespaces") as ResourceType;
  for (const ns of ["default", "kube-system", ...(options.namespaces ?? ["argocd"])]) {
    store.create(namespaceType, undefined, { metadata: { name: ns } });
  }
  const crdType = store.types().find((t) => t.plural === "customresourcedefinitions") as ResourceType;
  if (options.argocdCrd !== false)
    store.create(crdType, undefined, structuredClone(ARGOCD_APPLICATION_CRD) as KubeObject);

  const findType = (group: string, version: string, plural: string): ResourceType => {
    const type = store.types().find((t) => t.group === group && t.version === version && t.plural === plural);
    if (!type) throw new ApiFailure(404, "NotFound", "the server could not find the requested resource");
    return type;
  };

  const discovery = (path: string): unknown => {
    const types = store.types();
    if (path === "/version") {
      return { major: "1", minor: "32", gitVersion: "v1.32.0-double", platform: "linux/amd64", goVersion: "go1.23" };
    }
    if (path === "/api") {
      return {
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
      };
    }
    const groups = [...new Set(types.filter((t) => t.group !== "").map((t) => t.group))].map((name) => {
      const versions = [...new Set(types.filter((t) => t.group === name).map((t) => t.version))].map((version) => ({
        groupVersion: `${name}/${version}`,
        version,
      }));
      return { name, versions, preferredVersion: versions[0] };
    });
    if (path === "/apis") return { kind: "APIGroupList", apiVersion: "v1", groups };
    const group = /^\/apis\/([^/]+)$/.exec(path);
    if (group) {
      const found = groups.find((g) => g.name === group[1]);
      if (found) return { kind: "APIGroup", apiVersion: "v1", ...found };
    }
    const list = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (list) {
      const [g, v] = list[1] ? ["", list[1]] : [list[2] ?? "", list[3] ?? ""];
      const served = types.filter((t) => t.group === g && t.version === v);
      if (served.length > 0) {
        return {
          kind: "APIResourceList",
          apiVersion: "v1",
          groupVersion: groupVersion({ group: g, version: v }),
          resources: served.flatMap(discoveryEntries),
        };
      }
    }
    throw new ApiFailure(404, "NotFound", "the server could not find the requested resource");
  };

  const serveWatch = (
    res: ServerResponse,
    type: ResourceType,
    namespace: string,
    query: URLSearchParams,
    matches: (o: KubeObject) => boolean,
  ) => {
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    const send = (eventType: string, object: unknown) => {
      // An ended watch still hears store events until its socket closes.
      if (!res.writableEnded) res.write(`${JSON.stringify({ type: eventType, object })}\n`);
    };
    const inScope = (o: KubeObject) =>
      (!type.namespaced || namespace === "" || o.metadata.namespace === namespace) && matches(o);
    const deliver = (event: StoreEvent) => {
      if (event.resource.group !== type.group || event.resource.plural !== type.plural) return;
      const now = inScope(event.object);
      const before = event.previous ? inScope(event.previous) : false;
      if (event.type === "MODIFIED" && now !== before) send(now ? "ADDED" : "DELETED", event.object);
      else if (now) send(event.type, event.object);
    };
    const from = query.get("resourceVersion") ?? "";
    if (from === "" || from === "0") {
      for (const object of store.list(type, namespace || undefined)) if (inScope(object)) send("ADDED", object);
    } else {
      const backlog = store.since(type, Number(from));
      if (backlog === "expired") {
        send("ERROR", status(410, "Expired", `too old resource version: ${from} (${store.resourceVersion})`));
        res.end();
        return;
      }
      for (const event of backlog) deliver(event);
    }
    const unsubscribe = store.subscribe(deliver);
    const bookmarks =
      query.get("allowWatchBookmarks") === "true"
        ? setInterval(() => {
            send("BOOKMARK", {
              apiVersion: groupVersion(type),
              kind: type.kind,
              metadata: { resourceVersion: store.resourceVersion },
            });
          }, bookmarkIntervalMs)
        : undefined;
    const timeoutSeconds = Number(query.get("timeoutSeconds") ?? 0);
    const timeout = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
    watches.add(res);
    res.on("close", () => {
      unsubscribe();
      clearInterval(bookmarks);
      clearTimeout(timeout);
      watches.delete(res);
    });
  };

  const serveResource = async (
    req: IncomingMessage,
    res: ServerResponse,
    request: KubeRequest,
    route: Route,
    query: URLSearchParams,
  ): Promise<{ code: number; body: unknown } | undefined> => {
    const type = findType(route.group, route.version, route.plural);
    const namespace = type.namespaced ? route.namespace : "";
    if (route.subresource !== "" && !(route.subresource === "status" && type.statusSubresource)) {
      throw new ApiFailure(404, "NotFound", "the server could not find the requested resource");
    }
    const status = route.subresource === "status";
    const method = req.method ?? "GET";
    if (method === "GET" && route.name !== "") return { code: 200, body: store.get(type, namespace, route.name) };
    if (method === "GET") {
      let filter: (o: KubeObject) => boolean;
      try {
        filter = compileSelectors(query.get("labelSelector"), query.get("fieldSelector"));
      } catch (error) {
        throw new ApiFailure(400, "BadRequest", (error as Error).message);
      }
      if (request.verb === "watch") {
        serveWatch(res, type, namespace, query, filter);
        return undefined;
      }
      const all = store.list(type, namespace || undefined).filter(filter);
      const offset = Number(
        query.get("continue") ? Buffer.from(query.get("continue") ?? "", "base64url").toString() : 0,
      );
      const limit = Number(query.get("limit") ?? 0);
      const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
      const next =
        limit > 0 && offset + limit < all.length ? Buffer.from(String(offset + limit)).toString("base64url") : "";
      return {
        code: 200,
        body: {
          apiVersion: groupVersion(type),
          kind: `${type.kind}List`,
          metadata: { resourceVersion: store.resourceVersion, ...(next ? { continue: next } : {}) },
          items,
        },
      };
    }
    const text = await readBody(req);
    if ((req.headers["content-type"] ?? "").includes("protobuf")) {
      // Like an API server built without protobuf; kubectl's typed verbs (`create secret`) send it, `apply` does not.
      throw new ApiFailure(415, "UnsupportedMediaType", "the double takes JSON bodies only, not protobuf");
    }
    if (method === "POST" && route.name === "") {
      return { code: 201, body: store.create(type, namespace || undefined, parseJson(text) as KubeObject) };
    }
    if (method === "PUT") {
      return { code: 200, body: store.update(type, namespace, route.name, parseJson(text) as KubeObject, status) };
    }
    if (method === "DELETE" && route.name !== "") return { code: 200, body: store.delete(type, namespace, route.name) };
    if (method === "PATCH") {
      const current = store.get(type, namespace, route.name);
      const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
      const body = parseJson(text);
      let patched: unknown;
      try {
        if (contentType === "application/merge-patch+json") patched = applyMergePatch(current, body);
        else if (contentType === "application/json-patch+json") patched = applyJsonPatch(current, body);
        else if (contentType === "application/strategic-merge-patch+json") {
          // Real API servers refuse strategic merge on custom resources: they carry no patch strategy.
          if (!BUILTIN_RESOURCES.includes(type)) {
            throw new ApiFailure(
              415,
              "UnsupportedMediaType",
              `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
            );
          }
          patched = applyStrategicMergePatch(current, body);
        } else {
          throw new ApiFailure(415, "UnsupportedMediaType", `patch type ${contentType || "(none)"} is not supported`);
        }
      } catch (error) {
        if (error instanceof PatchError) {
          throw new ApiFailure(error.status, error.status === 422 ? "Invalid" : "BadRequest", error.message);
        }
        throw error;
      }
      // A patch that sets metadata.resourceVersion is conditional on it, exactly like an update.
      return { code: 200, body: store.update(type, namespace, route.name, patched as KubeObject, status) };
    }
    throw new ApiFailure(405, "MethodNotAllowed", `${method} is not supported on ${qualifiedResource(type)}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "https://double");
    const route = parseRoute(url.pathname, () => store.types());
    const method = req.method ?? "GET";
    const watch = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
    const verb = !route
      ? "discovery"
      : method === "GET"
        ? route.name !== ""
          ? "get"
          : watch
            ? "watch"
            : "list"
        : (({ POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" } as Record<string, string>)[method] ??
          method.toLowerCase());
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const request: KubeRequest = {
      method,
      url: req.url ?? "/",
      verb,
      group: route?.group ?? "",
      resource: route?.plural ?? "",
      subresource: route?.subresource ?? "",
      namespace: route?.namespace ?? "",
      name: route?.name ?? "",
      user: tokens[token] ?? "",
      contentType: req.headers["content-type"] ?? "",
      status: 0,
    };
    requests.push(request);
    const answer = (code: number, body: unknown) => {
      request.status = code;
      res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    try {
      if (request.user === "") throw new ApiFailure(401, "Unauthorized", "Unauthorized");
      const fault = faults.find((f) => (f.times ?? Number.POSITIVE_INFINITY) > 0 && f.match(request));
      if (fault) {
        if (fault.times !== undefined) fault.times--;
        const reason = fault.reason ?? (fault.status === 403 ? "Forbidden" : "InternalError");
        throw new ApiFailure(
          fault.status,
          reason,
          fault.status === 403
            ? `${request.resource} is forbidden: User "${request.user}" cannot ${verb} resource "${request.resource}" in API group "${request.group}" in the namespace "${request.namespace}"`
            : `${reason} (injected by the test)`,
        );
      }
      if (!route) return answer(200, discovery(url.pathname));
      const result = await serveResource(req, res, request, route, url.searchParams);
      if (result) answer(result.code, result.body);
      else request.status = 200;
    } catch (error) {
      if (error instanceof ApiFailure)
        answer(error.status, status(error.status, error.reason, error.message, error.details));
      else answer(500, status(500, "InternalError", String(error)));
    }
  };

  const server: Server = createServer({ key: certificate.key, cert: certificate.certificate }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const firstToken = Object.keys(tokens)[0] ?? "";
  const kubeconfig = (config: KubeconfigOptions = {}) =>
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "  - name: double",
      "    cluster:",
      `      server: ${origin}`,
      `      certificate-authority-data: ${Buffer.from(certificate.certificate).toString("base64")}`,
      "contexts:",
      "  - name: double",
      "    context:",
      "      cluster: double",
      "      user: tester",
      `      namespace: ${config.namespace ?? "argocd"}`,
      "current-context: double",
      "users:",
      "  - name: tester",
      "    user:",
      `      token: ${config.token ?? firstToken}`,
      "",
    ].join("\n");
  const kubeconfigPath = join(dir, "kubeconfig");
  await writeFile(kubeconfigPath, kubeconfig(), { mode: 0o600 });

  const typeOf = (resource: string): ResourceType => {
    const [group = "", plural = ""] = resource.includes("/") ? resource.split("/") : ["", resource];
    const type = store.types().find((t) => t.group === group && t.plural === plural);
    if (!type) throw new Error(`the double serves no ${resource}`);
    return type;
  };

  return {
    origin,
    caCertificate: certificate.certificate,
    kubeconfigPath,
    store,
    requests,
    faults,
    kubeconfig,
    type: typeOf,
    put(resource, object) {
      const type = typeOf(resource);
      const namespace = type.namespaced ? (object.metadata.namespace ?? "default") : undefined;
      try {
        const current = store.get(type, namespace, object.metadata.name);
        return store.update(type, namespace, object.metadata.name, {
          ...object,
          metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion ?? "" },
        });
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 404) return store.create(type, namespace, object);
        throw error;
      }
    },
    closeWatches() {
      for (const res of watches) res.end();
    },
    async stop() {
      for (const res of watches) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
