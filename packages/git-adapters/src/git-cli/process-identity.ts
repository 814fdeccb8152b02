import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/**
 * Who holds a lock, in a form that survives PID reuse. A PID alone is not enough: in a container the daemon
 * is PID 1 after every restart, so "is PID 1 alive?" is always yes. The start time of the process (in clock
 * ticks since boot, from `/proc/<pid>/stat`) and the boot id tell a live holder from a new process that got
 * the same PID.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly host: string;
  /** `/proc/sys/kernel/random/boot_id`; absent off Linux. */
  readonly bootId?: string;
  /** Field 22 of `/proc/<pid>/stat`; absent off Linux. */
  readonly startTime?: string;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Start time of process `pid`, or `undefined` when it does not exist or the platform has no `/proc`. */
export function processStartTime(pid: number): string | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last `)`.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19];
}

let own: ProcessIdentity | undefined;

/** This process's identity. */
export function ownIdentity(): ProcessIdentity {
  if (own === undefined) {
    const bootId = readOrUndefined("/proc/sys/kernel/random/boot_id");
    const startTime = processStartTime(process.pid);
    own = {
      pid: process.pid,
      host: hostname(),
      ...(bootId === undefined ? {} : { bootId }),
      ...(startTime === undefined ? {} : { startTime }),
    };
  }
  return own;
}

/** True when `a` and `b` name the same process. */
export function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.host === b.host && a.bootId === b.bootId && a.startTime === b.startTime;
}

/**
 * Whether the process `holder` names is certainly gone: `true` when it is, `false` when it runs, `undefined`
 * when this host cannot tell (another host).
 */
export function isProcessGone(holder: ProcessIdentity): boolean | undefined {
  const self = ownIdentity();
  if (holder.host !== self.host) return undefined;
  // Same host name, another boot (or another kernel, for a container image reused elsewhere): gone.
  if (holder.bootId !== undefined && self.bootId !== undefined && holder.bootId !== self.bootId) return true;
  if (sameProcess(holder, self)) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
  }
  // The PID is taken: by the holder, or by a newer process that reused it (PID 1 in a restarted container).
  // A holder with no start time on a host that has them wrote an older lock format: if it shares our PID it
  // cannot be us (we never write that format), so it is a previous incarnation.
  if (holder.startTime === undefined) return holder.pid === self.pid;
  const current = processStartTime(holder.pid);
  return current !== undefined && current !== holder.startTime;
}
