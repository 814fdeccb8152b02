import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Something the bench started and must stop: a service, a process, a temp dir owner. */
interface Stoppable {
  stop(): Promise<void>;
}

const liveDirs = new Set<string>();
const liveChildren = new Map<number, ChildProcess>();
const liveServices = new Set<Stoppable>();
let safetyNetInstalled = false;

/**
 * Kills what is left when the test process exits without calling stop(): a crashed test must not
 * leave a registry or an sshd running, nor its temp dirs on disk. Synchronous on purpose ("exit" allows no I/O waits).
 */
function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.once("exit", releaseEverythingNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      releaseEverythingNow();
      // Keep the default outcome (death by that signal) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function releaseEverythingNow(): void {
  for (const pid of liveChildren.keys()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  liveChildren.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

/**
 * Creates a fresh directory under the OS temp dir, tracked so that {@link cleanupBench} and the
 * process-exit safety net remove it. Remove it earlier with {@link removeTempDir}.
 */
export function tempDir(prefix: string): string {
  installSafetyNet();
  const dir = mkdtempSync(join(tmpdir(), `iu-bench-${prefix.replace(/[^a-zA-Z0-9-]/g, "-")}-`));
  liveDirs.add(dir);
  return dir;
}

/** Removes a directory made by {@link tempDir} and forgets it. Idempotent. */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

/** @internal Registers a child so the safety net can kill it. */
export function trackChild(child: ChildProcess): void {
  installSafetyNet();
  const pid = child.pid;
  if (pid === undefined) return;
  liveChildren.set(pid, child);
  child.once("exit", () => liveChildren.delete(pid));
}

/** @internal Registers a running service so {@link cleanupBench} can stop it. */
export function trackService(service: Stoppable): void {
  installSafetyNet();
  liveServices.add(service);
}

/** @internal Forgets a stopped service. */
export function untrackService(service: Stoppable): void {
  liveServices.delete(service);
}

/** What the bench is holding right now: PIDs of live child processes and tracked temp dirs. */
export interface BenchResources {
  readonly pids: readonly number[];
  readonly dirs: readonly string[];
}

/** Lists the processes and temp dirs the bench still holds (for leak checks in tests). */
export function benchResources(): BenchResources {
  return { pids: [...liveChildren.keys()], dirs: [...liveDirs] };
}

/** Stops every service still running and removes every tracked temp dir. Safe in `afterAll`. */
export async function cleanupBench(): Promise<void> {
  await Promise.allSettled([...liveServices].map((service) => service.stop()));
  await Promise.allSettled([...liveDirs].map((dir) => removeTempDir(dir)));
}

/** True while a process with this PID exists (zombies of our own children are reaped by Node). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
