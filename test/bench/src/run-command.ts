import { spawn } from "node:child_process";
import { BenchError } from "./errors.js";

/** Output of a finished command. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin (used for secrets, which never go on a command line). */
  readonly input?: string | Buffer;
  /** Resolve with a non-zero code instead of throwing. @default false */
  readonly allowFailure?: boolean;
}

/** Runs a short command to completion; throws a BenchError with its stderr on a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.once("error", (error) => reject(new BenchError(`${command}: ${error.message}`, { cause: error })));
    child.once("close", (code) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      if (result.code !== 0 && options.allowFailure !== true) {
        reject(new BenchError(`${command} ${args[0] ?? ""} exited ${result.code}: ${result.stderr.trim()}`));
        return;
      }
      resolve(result);
    });
    child.stdin.end(options.input);
  });
}
