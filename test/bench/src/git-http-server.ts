import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { benchGitEnv } from "./git-env.js";
import { listenLoopback, parseBasicAuth } from "./http-server.js";
import { removeTempDir, signalGroup, tempDir, trackChild, trackService, untrackService } from "./resources.js";
import { requireBinary } from "./service-process.js";

/** Options of {@link startGitHttpServer}. */
export interface GitHttpServerOptions {
  /** Require HTTP Basic auth with these credentials. @default none (anonymous clone and push) */
  readonly auth?: { readonly username: string; readonly password: string };
  /** With `auth`: only pushes (receive-pack) need credentials. @default false */
  readonly pushOnlyAuth?: boolean;
  /** Serve this directory instead of a fresh temp dir (then stop() leaves it in place). */
  readonly root?: string;
}

/** One request the git HTTP server answered. */
export interface GitHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** "anonymous" or the authenticated username. */
  readonly user: string;
  readonly status: number;
  /** "git-upload-pack" (fetch) or "git-receive-pack" (push). */
  readonly service: "git-upload-pack" | "git-receive-pack" | "other";
  /** Request `Content-Encoding` (git gzips large fetch requests). */
  readonly contentEncoding?: string;
  /** `Git-Protocol` header, e.g. "version=2". */
  readonly gitProtocol?: string;
  /** True when the body came chunked (no Content-Length), as git sends large pushes. */
  readonly chunked: boolean;
}

/** A running smart-HTTP git server. */
export interface GitHttpServer {
  /** "http://127.0.0.1:PORT" */
  readonly url: string;
  /** Directory holding the bare repositories; create them with createBareRepo(root, …). */
  readonly root: string;
  /** "http://127.0.0.1:PORT/<name>.git" */
  repoUrl(name: string): string;
  /** Requests answered so far, oldest first (401s included). */
  readonly requests: readonly GitHttpRequest[];
  /** `git http-backend` stderr so far. */
  logs(): Promise<string>;
  /** Stops serving, kills in-flight CGI processes, removes the temp root. Idempotent. */
  stop(): Promise<void>;
}

function serviceOf(url: URL): GitHttpRequest["service"] {
  const name = url.searchParams.get("service") ?? url.pathname.split("/").at(-1);
  return name === "git-upload-pack" || name === "git-receive-pack" ? name : "other";
}

/**
 * Serves bare repositories with `git http-backend` (CGI) behind node:http on 127.0.0.1: push enabled,
 * protocol v2, chunked and gzip request bodies, optional Basic auth.
 */
export async function startGitHttpServer(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const git = requireBinary("git", "git");
  const ownsRoot = options.root === undefined;
  const root = options.root ?? join(tempDir("git-http"), "repos");
  await mkdir(root, { recursive: true });
  const requests: GitHttpRequest[] = [];
  const running = new Set<ChildProcess>();
  let stderr = "";

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const service = serviceOf(url);
    const contentEncoding = request.headers["content-encoding"];
    const gitProtocol = request.headers["git-protocol"];
    const record = (status: number, user: string) =>
      requests.push({
        method,
        path: url.pathname,
        query: url.search.slice(1),
        user,
        status,
        service,
        ...(contentEncoding === undefined ? {} : { contentEncoding }),
        ...(typeof gitProtocol === "string" ? { gitProtocol } : {}),
        chunked: request.headers["transfer-encoding"] === "chunked",
      });

    let user = "anonymous";
    if (options.auth !== undefined && (options.pushOnlyAuth !== true || service === "git-receive-pack")) {
      const given = parseBasicAuth(request.headers.authorization);
      if (given?.username !== options.auth.username || given.password !== options.auth.password) {
        record(401, given?.username ?? "anonymous");
        request.resume();
        response.writeHead(401, { "www-authenticate": 'Basic realm="git"', "content-type": "text/plain" });
        response.end("authentication required\n");
        return;
      }
      user = given.username;
    }

    const env = benchGitEnv({
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      // http-backend refuses receive-pack for an empty REMOTE_USER; it is always set here.
      REMOTE_USER: user,
      REMOTE_ADDR: request.socket.remoteAddress ?? "127.0.0.1",
      REQUEST_METHOD: method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers["content-type"] ?? "",
      ...(request.headers["content-length"] === undefined ? {} : { CONTENT_LENGTH: request.headers["content-length"] }),
      ...(request.headers["content-encoding"] === undefined
        ? {}
        : { HTTP_CONTENT_ENCODING: request.headers["content-encoding"] }),
      ...(typeof request.headers["git-protocol"] === "string"
        ? { HTTP_GIT_PROTOCOL: request.headers["git-protocol"] }
        : {}),
    });
    const cgi = spawn(git, ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    trackChild(cgi);
    running.add(cgi);
    cgi.once("exit", () => running.delete(cgi));
    cgi.stdin.on("error", () => {
      // http-backend may exit before reading the whole body (e.g. on a bad request)
    });
    request.pipe(cgi.stdin);
    cgi.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    let head = Buffer.alloc(0);
    let headersSent = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headersSent) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf("\r\n\r\n");
      const lf = head.indexOf("\n\n");
      const cut =
        crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, length: 4 } : lf >= 0 ? { at: lf, length: 2 } : undefined;
      if (cut === undefined) return;
      headersSent = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, cut.at).toString().split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      record(status, user);
      response.writeHead(status, headers);
      response.write(head.subarray(cut.at + cut.length));
    });
    cgi.once("close", () => {
      if (!headersSent) {
        record(500, user);
        response.writeHead(500, { "content-type": "text/plain" });
      }
      response.end();
    });
  }

  const http = await listenLoopback(handle);
  let stopped: Promise<void> | undefined;
  const server: GitHttpServer = {
    url: http.url,
    root,
    repoUrl: (name) => `${http.url}/${name.endsWith(".git") ? name : `${name}.git`}`,
    get requests() {
      return requests;
    },
    logs: async () => stderr,
    stop() {
      stopped ??= (async () => {
        untrackService(server);
        await http.close();
        await Promise.all(
          [...running].map(
            (child) =>
              new Promise<void>((resolve) => {
                child.once("exit", () => resolve());
                if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
              }),
          ),
        );
        if (ownsRoot) await removeTempDir(join(root, ".."));
      })();
      return stopped;
    },
  };
  trackService(server);
  return server;
}
