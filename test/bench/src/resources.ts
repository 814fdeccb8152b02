import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Reaper, startReaper } from "./reaper.js";

/** Something the bench started and must stop: a service, a process, a temp dir owner. */
interface Stoppable {
  stop(): Promise<void>;
}

const liveDirs = new Set<string>();
const liveChildren = new Map<number, ChildProcess>();
const liveServices = new Set<Stoppable>();
let safetyNetInstalled = false;
let reaper: Reaper | undefined;

function syncReaper(): void {
  reaper?.update(liveChildren.keys(), liveDirs);
}

/**
 * Kills what is left when the test process exits without calling stop(): a crashed test must not
 * leave a registry or an sshd running, nor its temp dirs on disk. Synchronous on purpose ("exit" allows no
 * I/O waits). The reaper covers deaths that run no hook at all.
 */
function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  reaper = startReaper();
  process.once("exit", releaseEverythingNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      releaseEverythingNow();
      // Keep the default outcome (death by that signal) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/**
 * Signals the process group led by `pid` (bench children are spawned detached, so each leads one: this also
 * reaches sshd's per-connection children and git's helpers), falling back to the process itself.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals, orLeader = true): void {
  try {
    process.kill(-pid, signal);
  } catch {
    if (!orLeader) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * PIDs of every live descendant of `pid`, read from /proc (empty where there is no /proc). sshd's
 * per-connection children call setsid(), so a process-group signal misses them; this finds them.
 */
export function listDescendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const siblings = children.get(ppid) ?? [];
      siblings.push(Number(entry));
      children.set(ppid, siblings);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function releaseEverythingNow(): void {
  for (const pid of liveChildren.keys()) {
    for (const descendant of listDescendants(pid)) signalGroup(descendant, "SIGKILL");
    signalGroup(pid, "SIGKILL");
  }
  liveChildren.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
  syncReaper();
}

/**
 * Creates a fresh directory under the OS temp dir, tracked so that {@link cleanupBench} and the
 * process-exit safety net remove it. Remove it earlier with {@link removeTempDir}.
 */
export function tempDir(prefix: string): string {
  installSafetyNet();
  const dir = mkdtempSync(join(tmpdir(), `iu-bench-${prefix.replace(/[^a-zA-Z0-9-]/g, "-")}-`));
  liveDirs.add(dir);
  syncReaper();
  return dir;
}

/** Removes a directory made by {@link tempDir} and forgets it. Idempotent. */
export async function removeTempDir(dir: string): Promise<void> {
  // Retries cover a process that was killed a moment ago and whose last writes are still landing.
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  liveDirs.delete(dir);
  syncReaper();
}

/** @internal Registers a child so the safety net can kill it. */
export function trackChild(child: ChildProcess): void {
  installSafetyNet();
  const pid = child.pid;
  if (pid === undefined) return;
  liveChildren.set(pid, child);
  syncReaper();
  child.once("exit", () => {
    liveChildren.delete(pid);
    syncReaper();
  });
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

/** True while a process with this PID runs; a zombie (dead, not yet reaped by its parent) counts as gone. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
