/**
 * Bench scripts run as child processes, so that a measured process holds only what it measures: the same
 * Node and TypeScript loader as the bench (or plain Node for a compiled script), no profiling flags (those are
 * for the process that asked for them), and an IPC channel for one answer.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** A forked bench script and the first message it sent. */
export interface BenchChild<T> {
  readonly child: ChildProcess;
  readonly first: T;
  /** Resolves when the child has exited. */
  readonly exited: Promise<unknown>;
}

const PARENT_ONLY_FLAG = /^--(cpu-prof|heap-prof|inspect)/;

/**
 * Forks the script at `moduleUrl` with `argument` (JSON) and waits for its first IPC message. `flags` are
 * extra Node flags for the child (`--cpu-prof` to profile it). A `compiled` script (JavaScript, see
 * `compiled-script.ts`) runs under plain Node, without this process's loader and conditions.
 */
export async function forkBenchScript<T>(
  moduleUrl: string,
  argument: unknown,
  flags: readonly string[] = [],
  { compiled = false }: { readonly compiled?: boolean } = {},
): Promise<BenchChild<T>> {
  const inherited = compiled ? [] : process.execArgv.filter((flag) => !PARENT_ONLY_FLAG.test(flag));
  const child = fork(fileURLToPath(moduleUrl), [JSON.stringify(argument)], {
    execArgv: [...inherited, ...flags],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit");
  const first = await Promise.race([
    once(child, "message").then(([message]) => message as T),
    exited.then(([code]) => {
      throw new Error(`${fileURLToPath(moduleUrl)} exited (code ${String(code)}) before answering`);
    }),
  ]);
  return { child, first, exited };
}

/** The JSON argument of this process when `moduleUrl` was started by {@link forkBenchScript}, else undefined. */
export function benchScriptArgument<T>(moduleUrl: string): T | undefined {
  if (process.argv[1] !== fileURLToPath(moduleUrl) || process.send === undefined) return undefined;
  return JSON.parse(process.argv[2] ?? "null") as T;
}
