/**
 * Counts the git processes this process starts, by subcommand, and the CPU its finished children used, so a
 * bench row can say what the updater asked of git. Counting wraps `child_process.spawn` (every git the
 * adapters start goes through it) and leaves it as it was on `stop()`. `BENCH_GIT_TRACE=1` prints each git
 * process's start and duration, to see where a phase's time goes.
 */

import { readFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";

type ChildProcessModule = typeof import("node:child_process");

/** A running count; read it with {@link GitProcessCounter.snapshot}. */
export interface GitProcessCounter {
  /** Git processes started so far, by subcommand (`fetch`, `cat-file`, …). */
  snapshot(): Readonly<Record<string, number>>;
  /** Restores `spawn`. */
  stop(): void;
}

const childProcess = createRequire(import.meta.url)("node:child_process") as ChildProcessModule;

/** The git subcommand of an argv: the first argument that is not an option (`--git-dir=…`, `-c k=v`). */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-c") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return "(none)";
}

/** Starts counting the git processes spawned from now on. */
export function countGitProcesses(): GitProcessCounter {
  const counts: Record<string, number> = {};
  const original = childProcess.spawn;
  const counting = ((command: string, args?: unknown, ...rest: unknown[]) => {
    if (command === "git" || command.endsWith("/git")) {
      const name = subcommand(Array.isArray(args) ? (args as string[]) : []);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    const child = (original as (...a: unknown[]) => import("node:child_process").ChildProcess)(command, args, ...rest);
    if (process.env.BENCH_GIT_TRACE && (command === "git" || command.endsWith("/git"))) {
      const started = performance.now();
      const name = subcommand(Array.isArray(args) ? (args as string[]) : []);
      child.on("exit", () =>
        console.log(`trace ${started.toFixed(0)} ${name} ${(performance.now() - started).toFixed(1)}ms`),
      );
    }
    return child;
  }) as ChildProcessModule["spawn"];
  childProcess.spawn = counting;
  syncBuiltinESMExports();
  return {
    snapshot: () => ({ ...counts }),
    stop() {
      childProcess.spawn = original;
      syncBuiltinESMExports();
    },
  };
}

/** Per-subcommand difference of two snapshots, and the total; a git server's CGI (`http-backend`) is listed, not totalled. */
export function processesBetween(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): { readonly total: number; readonly byCommand: Record<string, number> } {
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const [name, count] of Object.entries(after)) {
    const started = count - (before[name] ?? 0);
    if (started > 0) {
      byCommand[name] = started;
      if (name !== "http-backend") total += started;
    }
  }
  return { total, byCommand };
}

/** CPU milliseconds (user + system) of this process's children that have ended, from `/proc/self/stat`. */
export function finishedChildrenCpuMs(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces) start at state; cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Math.round((ticks * 1000) / 100);
  } catch {
    return Number.NaN;
  }
}

/** `cat /proc/loadavg`'s first three fields, for the table's caption. */
export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}
