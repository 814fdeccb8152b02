import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const DAEMON_DIR = join(import.meta.dirname, "..");

let dir: string;
let child: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-signals-"));
});
afterEach(async () => {
  if (child?.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

/** Resolves once `text` matches `pattern`, reading the child's stderr as it comes. */
function waitFor(output: { text: string }, stream: NodeJS.ReadableStream, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output.text);
      if (match) {
        stream.off("data", check);
        resolve(match);
      }
    };
    stream.on("data", check);
    stream.once("end", () => reject(new Error(`stream ended before ${pattern}: ${output.text}`)));
    check();
  });
}

describe("image-updater run, as a process", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("stops gracefully on %s with exit code 0", async (signal) => {
    child = spawn(
      process.execPath,
      [
        "--conditions=@image-updater/source",
        "--import",
        "tsx",
        "src/main.ts",
        "run",
        "--applications-dir",
        dir,
        "--cache-dir",
        join(dir, ".cache"),
        "--health-port",
        "0",
        "--metrics-port",
        "0",
        "--interval",
        "1h",
      ],
      { cwd: DAEMON_DIR, stdio: ["ignore", "ignore", "pipe"] },
    );
    const output = { text: "" };
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      output.text += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));

    const [, port] = await waitFor(
      output,
      child.stderr as NodeJS.ReadableStream,
      /msg="Starting health probe server" port=(\d+)/,
    );
    await waitFor(output, child.stderr as NodeJS.ReadableStream, /msg="Processing results: applications=0/);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    child.kill(signal);
    const code = await exited;

    expect(ready.status).toBe(200);
    expect(code).toBe(0);
    expect(output.text).toContain('msg="Received termination signal, shutting down"');
  });
});
