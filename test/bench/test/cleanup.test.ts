import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  BenchError,
  benchResources,
  cleanupBench,
  createBareRepo,
  isProcessAlive,
  startGitHttpServer,
  startRegistry,
  startScriptedRegistry,
  startSshGitServer,
  tempDir,
} from "../src/index.js";

// Real services can be slow on a loaded machine: generous timeouts, and no timing assertions.
describe("bench cleanup", { timeout: 120_000 }, () => {
  it("stop() leaves no process and no temp dir behind", async () => {
    const services = await Promise.all([
      startRegistry({ auth: "token" }),
      startRegistry({ auth: "basic" }),
      startSshGitServer(),
      startGitHttpServer(),
      startScriptedRegistry(),
    ]);
    const [tokenRegistry, basicRegistry, ssh, http] = services;
    const pids = [tokenRegistry.pid, basicRegistry.pid, ssh.pid];
    const dirs = [tokenRegistry.dir, basicRegistry.dir, ssh.root, http.root];
    const aliveBefore = pids.map(isProcessAlive);

    await Promise.all(services.map((service) => service.stop()));

    expect(aliveBefore).toEqual([true, true, true]);
    expect(pids.map(isProcessAlive)).toEqual([false, false, false]);
    expect(dirs.filter((dir) => existsSync(dir))).toEqual([]);
    expect(benchResources().pids.filter((pid) => pids.includes(pid))).toEqual([]);
    await expect(fetch(`${http.url}/`)).rejects.toThrow();
  });

  it("sshd's stop() also ends open connections", async () => {
    const server = await startSshGitServer();
    await createBareRepo(server.root, "deploy", { a: "a\n" });
    const [command = "ssh", ...options] = server.sshCommand().split(" ");
    // git-upload-pack advertises its refs, then waits for the client: an open session.
    const client = spawn(command, [
      ...options,
      "-p",
      String(server.port),
      `${userInfo().username}@127.0.0.1`,
      `git-upload-pack '${server.root}/deploy.git'`,
    ]);
    const closed = new Promise<number | null>((resolve) => client.once("exit", resolve));
    await new Promise((resolve) => client.stdout.once("data", resolve));

    await server.stop();
    const code = await closed;

    expect(code).not.toBe(0);
    expect(isProcessAlive(server.pid)).toBe(false);
  });

  it("a test process killed with SIGKILL still leaves nothing behind (the reaper cleans up)", async () => {
    const scriptDir = tempDir("sigkill");
    const script = join(scriptDir, "victim.mts");
    const bench = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    await writeFile(
      script,
      `import { startRegistry, tempDir } from ${JSON.stringify(bench)};\n` +
        "const registry = await startRegistry();\n" +
        'const dir = tempDir("victim");\n' +
        "console.log(JSON.stringify({ pid: registry.pid, dirs: [registry.dir, dir] }));\n" +
        "setInterval(() => {}, 1000);\n",
    );
    // tsx as a loader (not its CLI, which would run the script in a grandchild we could not SIGKILL).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
    const victim = spawn(process.execPath, ["--conditions=@image-updater/source", "--import", tsx, script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const started = await new Promise<{ pid: number; dirs: string[] }>((resolve) =>
      victim.stdout.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))),
    );
    const aliveBefore = isProcessAlive(started.pid);

    victim.kill("SIGKILL");
    for (let i = 0; i < 200 && (isProcessAlive(started.pid) || started.dirs.some((dir) => existsSync(dir))); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(aliveBefore).toBe(true);
    expect(isProcessAlive(started.pid)).toBe(false);
    expect(started.dirs.filter((dir) => existsSync(dir))).toEqual([]);
  });

  it("cleanupBench() stops what a test forgot and removes tracked temp dirs", async () => {
    const registry = await startRegistry();
    const dir = tempDir("forgotten");

    await cleanupBench();

    expect(isProcessAlive(registry.pid)).toBe(false);
    expect([existsSync(registry.dir), existsSync(dir)]).toEqual([false, false]);
    expect(benchResources()).toEqual({ pids: [], dirs: [] });
  });

  it.each([
    { binary: "/nonexistent/docker-registry", message: /not found; install the Debian package docker-registry/ },
    { binary: "/bin/false", message: /docker-registry exited \(1\) before it was ready; log:/ },
  ])("startRegistry() fails loudly with $binary", async ({ binary, message }) => {
    const starting = startRegistry({ binary });

    await expect(starting).rejects.toThrow(BenchError);
    await expect(starting).rejects.toThrow(message);
    expect(benchResources().dirs.filter((dir) => dir.includes("registry"))).toEqual([]);
  });
});
