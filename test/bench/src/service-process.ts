import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, createWriteStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { BenchError } from "./errors.js";
import { isProcessAlive, listDescendants, signalGroup, trackChild } from "./resources.js";

/** A long-running child process whose output goes to a log file. */
export interface ServiceProcess {
  readonly pid: number;
  readonly logFile: string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Exit code or signal, once exited. */
  exitStatus(): string | undefined;
  /** The log so far. */
  logs(): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startServiceProcess}. */
export interface ServiceProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly logFile: string;
}

/** Finds `binary` on PATH (or checks an absolute path); throws a BenchError naming the Debian package when absent. */
export function requireBinary(binary: string, debianPackage: string): string {
  const candidates = binary.includes("/")
    ? [binary]
    : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new BenchError(
    `${binary} not found; install the Debian package ${debianPackage} (scripts/setup.sh --system does it)`,
  );
}

/** Spawns `command` detached from stdin, logging stdout and stderr to `logFile`, tracked for cleanup. */
export function startServiceProcess(
  command: string,
  args: readonly string[],
  options: ServiceProcessOptions,
): ServiceProcess {
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group, so stop() also reaches the service's children.
    detached: true,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let status: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      status = signal ?? String(code);
      resolve();
    });
    child.once("error", (error) => {
      status = `spawn error: ${error.message}`;
      resolve();
    });
  });
  if (child.pid === undefined) {
    log.end();
    throw new BenchError(`could not spawn ${command}`);
  }
  trackChild(child);
  const pid = child.pid;

  async function logs(): Promise<string> {
    return existsSync(options.logFile) ? readFile(options.logFile, "utf8") : "";
  }

  let stopping: Promise<void> | undefined;
  function stop(graceMs = 3000): Promise<void> {
    stopping ??= (async () => {
      // Found before the leader dies: afterwards its children are re-parented and no longer traceable.
      const descendants = status === undefined ? listDescendants(pid) : [];
      if (status === undefined) {
        signalGroup(pid, "SIGTERM");
        const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
        await exitPromise;
        clearTimeout(timer);
      }
      // The leader is gone (and its PID free again): sweep only what is left of its group and tree.
      signalGroup(pid, "SIGKILL", false);
      for (const descendant of descendants) {
        try {
          process.kill(descendant, "SIGKILL");
        } catch {
          // already gone
        }
      }
      // Re-parented descendants are not ours to reap: wait until they are gone before files are removed.
      for (let i = 0; i < 100 && descendants.some(isProcessAlive); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise<void>((resolve) => log.end(resolve));
    })();
    return stopping;
  }

  return {
    pid,
    logFile: options.logFile,
    exited: () => status !== undefined,
    exitStatus: () => status,
    logs,
    stop,
  };
}

/** Polls `probe` until it returns true; throws a BenchError with the service log when it dies or times out. */
export async function waitUntilReady(
  what: string,
  service: ServiceProcess,
  probe: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.exited()) {
      throw new BenchError(
        `${what} exited (${service.exitStatus()}) before it was ready; log:\n${await service.logs()}`,
      );
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await service.stop();
  throw new BenchError(`${what} not ready after ${timeoutMs} ms; log:\n${await service.logs()}`);
}
