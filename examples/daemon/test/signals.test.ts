import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";

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

/** Starts `image-updater run` on `dir` (1 h interval, ephemeral ports) and collects its standard error. */
function startRun(extra: readonly string[]) {
  const node = ["--conditions=@image-updater/source", "--import", "tsx", "src/main.ts"];
  const run = ["run", "--applications-dir", dir, "--cache-dir", join(dir, ".cache"), "--interval", "1h"];
  const ports = ["--health-port", "0", "--metrics-port", "0"];
  const started = spawn(process.execPath, [...node, ...run, ...ports, ...extra], {
    cwd: DAEMON_DIR,
    stdio: ["ignore", "ignore", "pipe"],
  });
  child = started;
  const output = { text: "" };
  started.stderr?.setEncoding("utf8");
  started.stderr?.on("data", (chunk: string) => {
    output.text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => started.once("exit", (code) => resolve(code)));
  return { output, exited };
}

describe("image-updater run, as a process", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("stops gracefully on %s with exit code 0", async (signal) => {
    const { output, exited } = startRun([]);

    const [, port] = await waitFor(
      output,
      child?.stderr as NodeJS.ReadableStream,
      /msg="Starting health probe server" port=(\d+)/,
    );
    await waitFor(output, child?.stderr as NodeJS.ReadableStream, /msg="Processing results: applications=0/);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    child?.kill(signal);
    const code = await exited;

    expect(ready.status).toBe(200);
    expect(code).toBe(0);
    expect(output.text).toContain('msg="Received termination signal, shutting down"');
  });

  it("exits 0 within 10 s on SIGTERM while a registry that never answers holds the cycle", async () => {
    const sockets = new Set<Socket>();
    const blackhole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
    const port = (blackhole.address() as { port: number }).port;
    const image = `127.0.0.1:${port}/myorg/myapp`;
    await writeFile(
      join(dir, "registries.conf"),
      `registries:\n- name: silent\n  prefix: 127.0.0.1:${port}\n  api_url: http://127.0.0.1:${port}\n  insecure: yes\n`,
    );
    await writeFile(
      join(dir, "myapp.yaml"),
      stringify({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
          name: "myapp",
          namespace: "argocd",
          annotations: { "argocd-image-updater.argoproj.io/image-list": `app=${image}` },
        },
        spec: { source: { repoURL: "https://git.invalid/repo.git", path: "app" } },
        status: { summary: { images: [`${image}:1.0.0`] } },
      }),
    );
    try {
      const { output, exited } = startRun(["--registries-conf-path", join(dir, "registries.conf")]);
      while (sockets.size === 0) {
        if (child?.exitCode !== null) throw new Error(`exited early: ${output.text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const signalled = Date.now();
      child?.kill("SIGTERM");
      const code = await exited;

      expect(code).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(output.text).toContain('msg="Received termination signal, shutting down"');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  }, 60_000);
});
