import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { type BuiltContent, buildImage, type ImageSpec, MEDIA_TYPES } from "@image-updater/conformance";
import { listenLoopback, parseBasicAuth } from "./http-server.js";
import { trackService, untrackService } from "./resources.js";

/** A scripted misbehaviour, applied to requests whose path matches. */
export interface ScriptedFault {
  /** Pathname to match: a RegExp, or a string where `*` matches anything (e.g. "/v2/app/tags/list", "/v2/*"). */
  readonly path: string | RegExp;
  /** Only this method (upper case). @default any */
  readonly method?: string;
  /** Let this many matching requests through before the fault starts. @default 0 */
  readonly skip?: number;
  /** How many matching requests the fault hits, then requests pass. @default Infinity */
  readonly times?: number;
  /** Answer with this status (e.g. 429, 500, 503) and a distribution error body instead of the real answer. */
  readonly status?: number;
  /** `Retry-After` header value (seconds or an HTTP date). */
  readonly retryAfter?: number | string;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /**
   * Replace the body: "truncated" sends half of the real body with the full Content-Length and drops the
   * connection; "malformed" sends syntactically broken JSON with status 200 (unless `status` is set); any
   * other string is sent as is.
   */
  readonly body?: "truncated" | "malformed" | (string & {});
}

/** Auth the scripted registry demands. */
export type ScriptedAuth =
  | { readonly scheme: "basic"; readonly username: string; readonly password: string }
  | {
      readonly scheme: "bearer";
      readonly username: string;
      readonly password: string;
      /** What anonymous token requests get. @default "none" */
      readonly anonymous?: "none" | "pull";
      /** Token lifetime in seconds. @default 300 */
      readonly expiresIn?: number;
    };

/** What the scripted registry holds and how it misbehaves. */
export interface ScriptedRegistryScript {
  /** Repository name → images; each image's tags point at its top manifest. */
  readonly repositories?: Readonly<Record<string, readonly ImageSpec[]>>;
  /** Largest tags/list page, whatever `n` asks; also the page size when `n` is absent. @default no cap */
  readonly pageSize?: number;
  /** Tag order in tags/list and the meaning of `last`. @default "lexical" (as the distribution spec says) */
  readonly tagOrder?: "lexical" | "insertion";
  readonly faults?: readonly ScriptedFault[];
  readonly auth?: ScriptedAuth;
}

/** One request the scripted registry received. */
export interface ScriptedRequest {
  readonly method: string;
  /** Pathname without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
}

/** Selects requests in {@link ScriptedRegistry.count}; a string or RegExp matches the path. */
export type ScriptedRequestFilter =
  | string
  | RegExp
  | { readonly method?: string; readonly path?: string | RegExp; readonly query?: Readonly<Record<string, string>> };

/** A running scripted registry. */
export interface ScriptedRegistry {
  /** "http://127.0.0.1:PORT" */
  readonly url: string;
  /** "127.0.0.1:PORT" */
  readonly host: string;
  /** Every request received since start or the last reset(), oldest first. */
  readonly requests: readonly ScriptedRequest[];
  /** Requests matching `filter` (all when absent). */
  count(filter?: ScriptedRequestFilter): number;
  /** Clears the request log (fault counters keep running). */
  reset(): void;
  /** Replaces the faults, with fresh counters. */
  setFaults(faults: readonly ScriptedFault[]): void;
  /** Adds (or retags) images in a repository, creating it when missing; returns the top digests. */
  addImages(repository: string, images: readonly ImageSpec[]): string[];
  /** Removes a tag; returns whether it existed. */
  deleteTag(repository: string, tag: string): boolean;
  stop(): Promise<void>;
}

interface Repository {
  readonly tags: Map<string, BuiltContent>;
  readonly manifests: Map<string, BuiltContent>;
  readonly blobs: Map<string, BuiltContent>;
  /**
   * Images of the initial script not built yet: a fleet of generated repositories is mostly only listed, so
   * its manifests and blobs (a gzip per image) are built on the first request that needs them.
   */
  pending: readonly ImageSpec[];
}

interface FaultState {
  readonly fault: ScriptedFault;
  readonly pattern: RegExp;
  seen: number;
}

const ROUTE = /^\/v2\/(?<name>.+?)\/(?<kind>tags\/list|manifests|blobs)(?:\/(?<reference>[^/]+))?$/;

function toPattern(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  const escaped = path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

function statusCode(status: number): string {
  if (status === 429) return "TOOMANYREQUESTS";
  if (status === 401) return "UNAUTHORIZED";
  if (status === 404) return "NOT_FOUND";
  return "UNAVAILABLE";
}

function acceptable(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined || accept.trim() === "") return true;
  const types = accept.split(",").map((part) => part.split(";")[0]?.trim());
  return types.includes(mediaType) || types.includes("*/*");
}

function matchesFilter(request: ScriptedRequest, filter: ScriptedRequestFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "string" || filter instanceof RegExp) return toPattern(filter).test(request.path);
  if (filter.method !== undefined && filter.method.toUpperCase() !== request.method) return false;
  if (filter.path !== undefined && !toPattern(filter.path).test(request.path)) return false;
  for (const [key, value] of Object.entries(filter.query ?? {})) {
    if (request.query[key] !== value) return false;
  }
  return true;
}

/**
 * Starts a node:http server speaking the distribution API from an in-memory script: what Distribution 2.8
 * cannot do (tags/list pagination with `Link`) and what clients must survive (429, 5xx, delays, bad JSON).
 */
export async function startScriptedRegistry(script: ScriptedRegistryScript = {}): Promise<ScriptedRegistry> {
  const repositories = new Map<string, Repository>();
  const tokens = new Map<string, { actions: Set<string>; expiresAt: number }>();
  let faults: FaultState[] = [];
  let requests: ScriptedRequest[] = [];

  function setFaults(list: readonly ScriptedFault[]): void {
    faults = list.map((fault) => ({ fault, pattern: toPattern(fault.path), seen: 0 }));
  }
  setFaults(script.faults ?? []);

  function emptyRepository(name: string): Repository {
    const repository: Repository = { tags: new Map(), manifests: new Map(), blobs: new Map(), pending: [] };
    repositories.set(name, repository);
    return repository;
  }

  /** The repository with its pending images built. */
  function built(repository: Repository): Repository {
    if (repository.pending.length > 0) {
      const images = repository.pending;
      repository.pending = [];
      store(repository, images);
    }
    return repository;
  }

  function store(repository: Repository, images: readonly ImageSpec[]): string[] {
    const digests: string[] = [];
    for (const spec of images) {
      const image = buildImage(spec);
      for (const blob of image.blobs) repository.blobs.set(blob.digest, blob);
      for (const manifest of image.manifests) repository.manifests.set(manifest.digest, manifest);
      repository.manifests.set(image.top.digest, image.top);
      for (const tag of spec.tags) {
        repository.tags.delete(tag); // re-adding moves the tag to the end of insertion order
        repository.tags.set(tag, image.top);
      }
      digests.push(image.top.digest);
    }
    return digests;
  }

  function addImages(name: string, images: readonly ImageSpec[]): string[] {
    return store(built(repositories.get(name) ?? emptyRepository(name)), images);
  }
  for (const [name, images] of Object.entries(script.repositories ?? {})) emptyRepository(name).pending = images;

  /** Tag names in insertion order, without building pending images. */
  function tagNames(repository: Repository): string[] {
    if (repository.pending.length === 0) return [...repository.tags.keys()];
    const names = new Set<string>();
    for (const spec of repository.pending) {
      for (const tag of spec.tags) {
        names.delete(tag); // a later image re-tagging moves the tag to the end, as store() does
        names.add(tag);
      }
    }
    return [...names];
  }

  function pickFault(method: string, path: string): ScriptedFault | undefined {
    for (const state of faults) {
      if (state.fault.method !== undefined && state.fault.method.toUpperCase() !== method) continue;
      if (!state.pattern.test(path)) continue;
      state.seen++;
      const skip = state.fault.skip ?? 0;
      if (state.seen > skip && state.seen - skip <= (state.fault.times ?? Number.POSITIVE_INFINITY)) return state.fault;
    }
    return undefined;
  }

  /** Checks auth; on refusal writes the challenge and returns false. */
  function authorize(request: IncomingMessage, response: ServerResponse, scope: string, origin: string): boolean {
    const auth = script.auth;
    if (auth === undefined) return true;
    if (auth.scheme === "basic") {
      const credentials = parseBasicAuth(request.headers.authorization);
      if (credentials?.username === auth.username && credentials.password === auth.password) return true;
      response.writeHead(401, {
        "content-type": "application/json",
        "www-authenticate": 'Basic realm="scripted-registry"',
      });
      response.end(errorBody("UNAUTHORIZED", "authentication required"));
      return false;
    }
    const match = /^Bearer\s+(?<token>\S+)$/i.exec(request.headers.authorization ?? "");
    const granted = match?.groups?.token === undefined ? undefined : tokens.get(match.groups.token);
    if (granted !== undefined && granted.expiresAt > Date.now() && (scope === "" || granted.actions.has(scope))) {
      return true;
    }
    const scopeParam = scope === "" ? "" : `,scope="${scope}"`;
    response.writeHead(401, {
      "content-type": "application/json",
      "www-authenticate": `Bearer realm="${origin}/token",service="scripted-registry"${scopeParam}${granted === undefined ? "" : ',error="insufficient_scope"'}`,
    });
    response.end(errorBody("UNAUTHORIZED", "authentication required"));
    return false;
  }

  function serveToken(request: IncomingMessage, url: URL, response: ServerResponse): void {
    const auth = script.auth;
    if (auth?.scheme !== "bearer") {
      response.writeHead(404).end();
      return;
    }
    let user = false;
    if (request.headers.authorization !== undefined) {
      const credentials = parseBasicAuth(request.headers.authorization);
      if (credentials?.username !== auth.username || credentials.password !== auth.password) {
        response
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ details: "bad credentials" }));
        return;
      }
      user = true;
    }
    const actions = new Set<string>();
    for (const scope of url.searchParams.getAll("scope").flatMap((value) => value.split(" "))) {
      const parts = scope.split(":");
      const name = parts.slice(1, -1).join(":");
      for (const action of (parts.at(-1) ?? "").split(",")) {
        if (user || (auth.anonymous === "pull" && action === "pull")) actions.add(`repository:${name}:${action}`);
      }
    }
    const token = randomUUID();
    const expiresIn = auth.expiresIn ?? 300;
    tokens.set(token, { actions, expiresAt: Date.now() + expiresIn * 1000 });
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token, access_token: token, expires_in: expiresIn }));
  }

  interface Answer {
    status: number;
    headers: Record<string, string>;
    body: string | Buffer;
  }

  function json(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
    return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
  }

  function tagsPage(name: string, repository: Repository, url: URL): Answer {
    let tags = tagNames(repository);
    if ((script.tagOrder ?? "lexical") === "lexical") tags.sort();
    const last = url.searchParams.get("last");
    if (last !== null) {
      tags = script.tagOrder === "insertion" ? tags.slice(tags.indexOf(last) + 1) : tags.filter((tag) => tag > last);
    }
    const asked = url.searchParams.has("n") ? Number(url.searchParams.get("n")) : undefined;
    const cap = script.pageSize ?? Number.POSITIVE_INFINITY;
    const limit = Math.min(asked !== undefined && Number.isFinite(asked) && asked >= 0 ? asked : cap, cap);
    const page = tags.slice(0, limit);
    const headers: Record<string, string> = {};
    const lastOnPage = page.at(-1);
    if (page.length < tags.length && lastOnPage !== undefined) {
      const next = `/v2/${name}/tags/list?n=${limit}&last=${encodeURIComponent(lastOnPage)}`;
      headers.link = `<${next}>; rel="next"`;
    }
    return json(200, { name, tags: page }, headers);
  }

  function manifestAnswer(item: BuiltContent): Answer {
    return {
      status: 200,
      headers: { "content-type": item.mediaType, "docker-content-digest": item.digest },
      body: item.bytes,
    };
  }

  function amd64Child(repository: Repository, list: BuiltContent): BuiltContent | undefined {
    const parsed = JSON.parse(list.bytes.toString()) as {
      manifests: { digest: string; platform?: { os?: string; architecture?: string } }[];
    };
    const entry = parsed.manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64");
    return entry === undefined ? undefined : repository.manifests.get(entry.digest);
  }

  function route(method: string, url: URL, accept: string | undefined): Answer {
    if (url.pathname === "/v2/" || url.pathname === "/v2") return json(200, {});
    if (url.pathname === "/v2/_catalog") return json(200, { repositories: [...repositories.keys()].sort() });
    const match = ROUTE.exec(url.pathname);
    const name = match?.groups?.name ?? "";
    const found = repositories.get(name);
    if (match?.groups === undefined) return json(404, JSON.parse(errorBody("NOT_FOUND", "unknown path")));
    if (found === undefined) return json(404, JSON.parse(errorBody("NAME_UNKNOWN", "repository name not known")));
    const reference = match.groups.reference ?? "";
    if (match.groups.kind === "tags/list" && method === "GET") return tagsPage(name, found, url);
    const repository = built(found);
    if (match.groups.kind === "manifests" && (method === "GET" || method === "HEAD")) {
      const item = reference.includes(":") ? repository.manifests.get(reference) : repository.tags.get(reference);
      if (item === undefined) return json(404, JSON.parse(errorBody("MANIFEST_UNKNOWN", "manifest unknown")));
      if (
        item.mediaType === MEDIA_TYPES.dockerManifestList &&
        !acceptable(accept, item.mediaType) &&
        acceptable(accept, MEDIA_TYPES.dockerManifest)
      ) {
        // Distribution answers a list to a schema-2-only client with its linux/amd64 manifest.
        const fallback = amd64Child(repository, item);
        if (fallback !== undefined) return manifestAnswer(fallback);
      }
      if (!acceptable(accept, item.mediaType)) {
        return json(404, JSON.parse(errorBody("MANIFEST_UNKNOWN", "accept header does not support this manifest")));
      }
      return manifestAnswer(item);
    }
    if (match.groups.kind === "blobs" && (method === "GET" || method === "HEAD")) {
      const blob = repository.blobs.get(reference);
      if (blob === undefined) return json(404, JSON.parse(errorBody("BLOB_UNKNOWN", "blob unknown")));
      return {
        status: 200,
        headers: { "content-type": "application/octet-stream", "docker-content-digest": blob.digest },
        body: blob.bytes,
      };
    }
    return json(405, JSON.parse(errorBody("UNSUPPORTED", "the scripted registry is read-only")));
  }

  function scopeFor(pathname: string): string {
    const name = ROUTE.exec(pathname)?.groups?.name;
    return name === undefined ? "" : `repository:${name}:pull`;
  }

  const http = await listenLoopback((request, response) => {
    void (async () => {
      const method = (request.method ?? "GET").toUpperCase();
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      requests.push({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
      });
      const fault = pickFault(method, url.pathname);
      if (fault?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (url.pathname === "/token") {
        serveToken(request, url, response);
        return;
      }
      const origin = `http://${request.headers.host ?? "127.0.0.1"}`;
      if (!authorize(request, response, scopeFor(url.pathname), origin)) return;

      let answer = route(method, url, request.headers.accept);
      if (fault?.status !== undefined) {
        answer = json(fault.status, JSON.parse(errorBody(statusCode(fault.status), "scripted fault")));
      }
      if (fault?.retryAfter !== undefined) answer.headers["retry-after"] = String(fault.retryAfter);
      Object.assign(answer.headers, fault?.headers);
      const bytes = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
      if (fault?.body === "truncated") {
        response.writeHead(answer.status, { ...answer.headers, "content-length": String(bytes.length) });
        response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.destroy());
        return;
      }
      let body = bytes;
      if (fault?.body === "malformed") {
        body = Buffer.from('{"name": "scripted", "tags": ["1.0.0", ');
        answer.headers["content-type"] = "application/json";
      } else if (fault?.body !== undefined) {
        body = Buffer.from(fault.body);
      }
      response.writeHead(answer.status, { ...answer.headers, "content-length": String(body.length) });
      response.end(method === "HEAD" ? undefined : body);
    })().catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  let stopped: Promise<void> | undefined;
  const registry: ScriptedRegistry = {
    url: http.url,
    host: `127.0.0.1:${http.port}`,
    get requests() {
      return requests;
    },
    count: (filter) => requests.filter((request) => matchesFilter(request, filter)).length,
    reset() {
      requests = [];
    },
    setFaults,
    addImages,
    deleteTag: (name, tag) => {
      const repository = repositories.get(name);
      return repository === undefined ? false : built(repository).tags.delete(tag);
    },
    stop() {
      stopped ??= http.close().then(() => untrackService(registry));
      return stopped;
    },
  };
  trackService(registry);
  return registry;
}
