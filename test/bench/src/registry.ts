import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { BenchError } from "./errors.js";
import { freePort } from "./ports.js";
import { removeTempDir, tempDir, trackService, untrackService } from "./resources.js";
import { runCommand } from "./run-command.js";
import { requireBinary, type ServiceProcess, startServiceProcess, waitUntilReady } from "./service-process.js";
import { startTokenServer, type TokenGrant, type TokenServer } from "./token-server.js";

/** Options of {@link startRegistry}. */
export interface RegistryOptions {
  /** "basic": bcrypt htpasswd; "token": Docker Hub's Bearer flow through a bench token server. @default "none" */
  readonly auth?: "none" | "basic" | "token";
  /** URL that receives the registry's push/pull/delete notifications. */
  readonly notifications?: string;
  /** Headers sent with each notification. @default none */
  readonly notificationHeaders?: Readonly<Record<string, string>>;
  /** @default "bench-user" (ignored when auth is "none") */
  readonly username?: string;
  /** @default "bench-password" (ignored when auth is "none") */
  readonly password?: string;
  /** Token auth only: what anonymous clients may do. @default "none" (refused, as on a private Docker Hub repo) */
  readonly anonymous?: "none" | "pull";
  /** Token auth only: token lifetime in seconds. @default 300 */
  readonly tokenExpiresIn?: number;
  /** @default 15000 */
  readonly readyTimeoutMs?: number;
  /** Registry executable. @default "docker-registry" from PATH */
  readonly binary?: string;
}

/** A running `docker-registry` (CNCF Distribution 2.8). */
export interface RegistryServer {
  /** "http://127.0.0.1:PORT" */
  readonly url: string;
  /** "127.0.0.1:PORT", the registry part of an image reference. */
  readonly host: string;
  readonly auth: "none" | "basic" | "token";
  readonly username?: string;
  readonly password?: string;
  /** The token server, with auth "token". */
  readonly tokenServer?: {
    readonly url: string;
    readonly requests: number;
    readonly grants: readonly TokenGrant[];
  };
  /** PID of the registry process. */
  readonly pid: number;
  /** Temp dir holding config, storage and log; removed by stop(). */
  readonly dir: string;
  /** The registry's log so far. */
  logs(): Promise<string>;
  /** Kills the registry (and token server), removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

const TOKEN_SERVICE = "image-updater-bench-registry";
const TOKEN_ISSUER = "image-updater-bench-issuer";
const MAX_PORT_ATTEMPTS = 5;

async function writeHtpasswd(dir: string, username: string, password: string): Promise<string> {
  const htpasswd = requireBinary("htpasswd", "apache2-utils");
  const path = join(dir, "htpasswd");
  // Distribution only accepts bcrypt entries (-B); -i reads the password from stdin, never argv.
  await runCommand(htpasswd, ["-iBc", path, username], { input: password });
  return path;
}

function registryConfig(
  dir: string,
  port: number,
  options: RegistryOptions,
  auth: Record<string, unknown> | undefined,
): unknown {
  return {
    version: 0.1,
    log: { level: "info", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, "data") },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${port}`, secret: "image-updater-bench" },
    ...(auth === undefined ? {} : { auth }),
    ...(options.notifications === undefined
      ? {}
      : {
          notifications: {
            events: { includereferences: true },
            endpoints: [
              {
                name: "bench-listener",
                url: options.notifications,
                headers: Object.fromEntries(
                  Object.entries(options.notificationHeaders ?? {}).map(([key, value]) => [key, [value]]),
                ),
                timeout: "2s",
                threshold: 3,
                backoff: "1s",
              },
            ],
          },
        }),
  };
}

/**
 * Starts Debian's `docker-registry serve` on 127.0.0.1 with an ephemeral port and temp storage.
 * Rejects with the registry log when the binary is missing or it does not answer `/v2/` in time.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryServer> {
  const binary = requireBinary(options.binary ?? "docker-registry", "docker-registry");
  const authMode = options.auth ?? "none";
  const username = options.username ?? "bench-user";
  const password = options.password ?? "bench-password";
  const dir = tempDir(`registry-${authMode}`);
  let token: TokenServer | undefined;
  try {
    await mkdir(join(dir, "data"));
    let auth: Record<string, unknown> | undefined;
    if (authMode === "basic") {
      auth = { htpasswd: { realm: "image-updater-bench", path: await writeHtpasswd(dir, username, password) } };
    } else if (authMode === "token") {
      token = await startTokenServer({
        dir,
        issuer: TOKEN_ISSUER,
        users: { [username]: password },
        anonymous: options.anonymous ?? "none",
        ...(options.tokenExpiresIn === undefined ? {} : { expiresIn: options.tokenExpiresIn }),
      });
      auth = {
        token: {
          realm: token.url,
          service: TOKEN_SERVICE,
          issuer: TOKEN_ISSUER,
          rootcertbundle: token.certificatePath,
        },
      };
    }

    let service: ServiceProcess | undefined;
    let port = 0;
    for (let attempt = 1; service === undefined; attempt++) {
      port = await freePort();
      const configPath = join(dir, "config.yml");
      await writeFile(configPath, stringify(registryConfig(dir, port, options, auth)));
      const candidate = startServiceProcess(binary, ["serve", configPath], { logFile: join(dir, "registry.log") });
      try {
        await waitUntilReady(
          "docker-registry",
          candidate,
          async () => {
            // The log line proves that this registry, not another process, holds the port.
            if (!(await candidate.logs()).includes(`listening on 127.0.0.1:${port}`)) return false;
            const response = await fetch(`http://127.0.0.1:${port}/v2/`);
            await response.arrayBuffer();
            return response.status === 200 || response.status === 401;
          },
          options.readyTimeoutMs,
        );
        service = candidate;
      } catch (error) {
        await candidate.stop();
        const inUse = (await candidate.logs()).includes("address already in use");
        if (!inUse || attempt >= MAX_PORT_ATTEMPTS) throw error;
      }
    }

    const running = service;
    const tokenServer = token;
    let stopped: Promise<void> | undefined;
    const registry: RegistryServer = {
      url: `http://127.0.0.1:${port}`,
      host: `127.0.0.1:${port}`,
      auth: authMode,
      ...(authMode === "none" ? {} : { username, password }),
      ...(tokenServer === undefined
        ? {}
        : {
            tokenServer: {
              url: tokenServer.url,
              get requests() {
                return tokenServer.requests;
              },
              get grants() {
                return tokenServer.grants;
              },
            },
          }),
      pid: running.pid,
      dir,
      logs: () => running.logs(),
      stop() {
        stopped ??= (async () => {
          untrackService(registry);
          await running.stop();
          await tokenServer?.stop();
          await removeTempDir(dir);
        })();
        return stopped;
      },
    };
    trackService(registry);
    return registry;
  } catch (error) {
    await token?.stop();
    await removeTempDir(dir);
    if (error instanceof BenchError) throw error;
    throw new BenchError(`could not start docker-registry: ${(error as Error).message}`, { cause: error });
  }
}
