import { execFile } from "node:child_process";
import { isAbsolute } from "node:path";
import type { RegistryCredentials } from "@image-updater/core";
import { createCachedSource } from "./cache.js";
import { credentialsError } from "./errors.js";
import { parseUserPass } from "./parse.js";
import type { CredentialSource } from "./types.js";

/** Options of {@link createExtCredentials}. */
export interface ExtCredentialsOptions {
  /** Absolute path of an executable that prints `user:pass` (`ext:/path` in `registries.conf`). */
  readonly path: string;
  /** @default 10_000, as argocd-image-updater */
  readonly timeoutMs?: number;
  /** `credsexpire`: how long the output is reused, in ms. 0 or absent: until the registry refuses it. */
  readonly expireMs?: number;
  readonly now?: () => number;
  /**
   * Names of variables the script must not see: other credentials (`env:` references, tokens). Everything
   * else of the process environment passes, as cloud CLIs need their own variables.
   */
  readonly hiddenVariables?: readonly string[];
}

/** The script's environment: the process's, without the variables that hold other secrets. */
export function scriptEnvironment(hidden: readonly string[]): Record<string, string> {
  const drop = new Set(hidden);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !drop.has(key)) env[key] = value;
  return env;
}

function run(
  id: string,
  path: string,
  timeoutMs: number,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<RegistryCredentials> {
  return new Promise((resolve, reject) => {
    // No shell and no arguments: the path is executed as is. stderr is dropped: scripts may echo secrets there.
    execFile(
      path,
      [],
      { timeout: timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true, env, ...(signal ? { signal } : {}) },
      (error, stdout) => {
        if (error !== null) {
          const killed = error.killed || (error as { code?: unknown }).code === "ABORT_ERR";
          const detail = signal?.aborted
            ? "aborted"
            : killed
              ? `the script did not finish within ${timeoutMs} ms`
              : `the script failed (${typeof error.code === "number" ? `exit code ${error.code}` : (error.code ?? "error")})`;
          reject(credentialsError(id, detail));
          return;
        }
        const parsed = parseUserPass(String(stdout));
        if (parsed === null) reject(credentialsError(id, "the script did not print user:password"));
        else resolve(parsed);
      },
    );
  });
}

/** `ext:/path`: runs the script with a timeout and caches its answer until `credsexpire`. */
export function createExtCredentials(options: ExtCredentialsOptions): CredentialSource {
  const id = `ext:${options.path}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return createCachedSource({
    id,
    ...(options.expireMs === undefined ? {} : { expireMs: options.expireMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
    async fetch(requestOptions) {
      if (!isAbsolute(options.path)) throw credentialsError(id, "the script path must be absolute");
      return run(id, options.path, timeoutMs, scriptEnvironment(options.hiddenVariables ?? []), requestOptions?.signal);
    },
  });
}
