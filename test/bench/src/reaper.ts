import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Keeps the reaper's list of what to clean up current. */
export interface Reaper {
  update(pids: Iterable<number>, dirs: Iterable<string>): void;
}

// Waits for the test process to die, however it dies (even SIGKILL, which runs no exit hook), then kills the
// listed process groups and removes the listed dirs. The list is a file rewritten on every change.
const SCRIPT = `
parent=$1; state=$2
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
if [ -f "$state" ]; then
  while IFS=' ' read -r kind value; do
    case "$kind" in
      pid) kill -KILL -- "-$value" 2>/dev/null || kill -KILL "$value" 2>/dev/null ;;
      dir) rm -rf -- "$value" ;;
    esac
  done < "$state"
  rm -f -- "$state"
fi
`;

/** Starts a detached `sh` that outlives this process just long enough to clean up after it. */
export function startReaper(): Reaper {
  const statePath = join(tmpdir(), `iu-bench-reaper-${process.pid}-${randomBytes(4).toString("hex")}`);
  writeFileSync(statePath, "");
  const child = spawn("sh", ["-c", SCRIPT, "iu-bench-reaper", String(process.pid), statePath], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
  return {
    update(pids, dirs) {
      const lines = [...[...pids].map((pid) => `pid ${pid}`), ...[...dirs].map((dir) => `dir ${dir}`)];
      writeFileSync(statePath, lines.length === 0 ? "" : `${lines.join("\n")}\n`);
    },
  };
}
