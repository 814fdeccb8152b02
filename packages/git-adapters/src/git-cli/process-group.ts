import type { ChildProcess } from "node:child_process";

/**
 * Kills `child` and everything it started. git runs its transports as grandchildren (`git remote-http`, `ssh`);
 * killing only the direct child leaves them holding the pipes open, so the close event never comes. The child
 * must have been spawned `detached`, which makes it the leader of its own process group.
 */
export function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is gone already; fall back to the child itself in case it never became a leader.
    child.kill("SIGKILL");
  }
}
