import { execFile } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CycleCounters, TypedEmitter, UpdaterEvents } from "@image-updater/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import type { CliIo } from "../src/cli/io.js";
import type { DaemonConfig, DaemonUpdater } from "../src/wiring.js";
import { emitSeedCycle } from "./events-fixture.js";

const DAEMON_DIR = join(import.meta.dirname, "..");

function io(env: Record<string, string> = {}, signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { HOME: "/nonexistent", ...env },
    ...(signal ? { signal } : {}),
  };
  return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runCli()", () => {
  it("prints the version", async () => {
    const t = io();

    const code = await runCli(["version"], t.io);

    expect(code).toBe(0);
    expect(t.stdout()).toMatch(/^image-updater v\d+\.\d+\.\d+\n$/);
  });

  it.each([[[]], [["help"]], [["help", "run"]], [["help", "test"]], [["--help"]]])("help %j exits 0", async (args) => {
    const t = io();

    expect(await runCli(args, t.io)).toBe(0);
    expect(t.stdout()).toContain("image-updater");
  });

  it.each([
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["run", "--applications-dir", "/x", "--interval", "5"], 'invalid value "5" for --interval'],
    [["run", "--applications-dir", "/x", "--bogus"], "unknown flag --bogus"],
    [["run"], "--applications-dir"],
    [["run", "--applications-dir", "/x", "extra"], "run takes no arguments"],
    [["test"], "test needs exactly one IMAGE"],
    [["test", "nginx", "--update-strategy", "newest"], 'invalid value "newest" for --update-strategy: write one of'],
    [["test", "nginx", "--output", "yaml"], "--output: write text or json"],
    [["test", "nginx", "--allow-tags", "^1\\."], "--allow-tags: write regexp:EXPRESSION or any"],
    [["test", "nginx", "--platforms", "linux"], "--platforms: write os/arch[/variant]"],
    [["template", "a", "b"], "template takes at most one PATH"],
  ])("%j exits 2 and says %s", async (args, message) => {
    const t = io();

    const code = await runCli(args, t.io);

    expect(code).toBe(2);
    expect(t.stderr()).toContain(message);
    expect(t.stderr()).toContain("image-updater help");
  });

  it("names the environment variable that holds an invalid value", async () => {
    const t = io({ IMAGE_UPDATER_LOGLEVEL: "loud" });

    const code = await runCli(["run", "--applications-dir", dir], t.io);

    expect(code).toBe(2);
    expect(t.stderr()).toContain('invalid value "loud" for environment variable IMAGE_UPDATER_LOGLEVEL');
  });
});

/** Fetches `url` until it answers `status` (at most 100 tries). */
async function poll(url: string, status: number): Promise<Response> {
  for (let i = 0; ; i++) {
    const response = await fetch(url);
    if (response.status === status || i >= 100) return response;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A scripted stand-in for the engine: each cycle waits for `release`, then emits the seed's cycle. */
function scriptedUpdater() {
  const events = new EventEmitter() as TypedEmitter<UpdaterEvents>;
  let cycles = 0;
  let release: (() => void) | undefined;
  let started: (() => void) | undefined;
  const firstStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  const configs: DaemonConfig[] = [];
  let disposed = 0;
  const updater: DaemonUpdater = {
    events,
    start() {
      void updater.runOnce();
    },
    async runOnce(): Promise<CycleCounters> {
      cycles++;
      started?.();
      if (cycles === 1) await new Promise<void>((resolve) => (release = resolve));
      emitSeedCycle(events, `run-${cycles}`);
      return { applications: 5, imagesConsidered: 4, imagesSkipped: 0, imagesUpdated: 1, errors: 2 };
    },
    async dispose() {
      disposed++;
    },
  };
  return {
    create: async (config: DaemonConfig) => {
      configs.push(config);
      return updater;
    },
    firstStarted,
    release: () => release?.(),
    cycles: () => cycles,
    disposed: () => disposed,
    configs,
  };
}

describe("runCli(['run', …])", () => {
  it("serves /healthz, /readyz after the first cycle and /metrics on ephemeral ports, then stops on abort", async () => {
    const controller = new AbortController();
    const t = io({}, controller.signal);
    const engine = scriptedUpdater();
    let ports: { health: number | null; metrics: number | null } = { health: null, metrics: null };

    const exit = runCli(
      ["run", "--applications-dir", dir, "--health-port", "0", "--metrics-port", "0", "--interval", "1h"],
      t.io,
      { createUpdater: engine.create, onListening: (p) => (ports = p) },
    );
    await engine.firstStarted;
    const healthz = await fetch(`http://127.0.0.1:${ports.health}/healthz`);
    const notReady = await fetch(`http://127.0.0.1:${ports.health}/readyz`);
    engine.release();
    const ready = await poll(`http://127.0.0.1:${ports.health}/readyz`, 200);
    const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    controller.abort();
    const code = await exit;

    expect([healthz.status, await healthz.text()]).toEqual([200, "OK"]);
    expect(notReady.status).toBe(503);
    expect(ready.status).toBe(200);
    expect(metrics).toContain("argocd_image_updater_applications_watched_total 5");
    expect(metrics).toContain("process_cpu_user_seconds_total");
    expect(code).toBe(0);
    expect(engine.cycles()).toBe(1);
    expect(engine.disposed()).toBe(1);
    expect(t.stderr()).toMatch(/msg="Starting health probe server" port=\d+/);
    expect(t.stderr()).toContain('msg="Checking 5 applications"');
    expect(t.stderr()).toContain('msg="Received termination signal, shutting down"');
    await expect(fetch(`http://127.0.0.1:${ports.health}/healthz`)).rejects.toThrow();
  });

  it("--once runs one cycle without servers and hands the resolved config to the engine", async () => {
    const engine = scriptedUpdater();
    const t = io({ GIT_COMMIT_USER: "bot" });
    const pending = runCli(
      [
        "run",
        "--once",
        "--applications-dir",
        dir,
        "--dry-run",
        "--logformat",
        "json",
        "--match-application-name",
        "my*",
      ],
      t.io,
      { createUpdater: engine.create },
    );
    await engine.firstStarted;
    engine.release();

    const code = await pending;

    expect(code).toBe(0);
    expect(engine.cycles()).toBe(1);
    expect(engine.configs[0]).toMatchObject({
      applicationsDir: dir,
      dryRun: true,
      git: { user: "bot", email: "noreply@argoproj.io" },
      matchApplicationNames: ["my*"],
    });
    const lines = t
      .stderr()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toContain("Setting new image to docker.io/myorg/myapp:1.2.3");
    expect(lines.map((l) => l.msg)).not.toContain("Starting health probe server");
  });

  it("exits 1 when a registries.conf named by flag cannot be read", async () => {
    const t = io();

    const code = await runCli(
      ["run", "--once", "--applications-dir", dir, "--registries-conf-path", join(dir, "missing.conf")],
      t.io,
      { createUpdater: scriptedUpdater().create },
    );

    expect(code).toBe(1);
    expect(t.stderr()).toContain('msg="Could not read the registries.conf"');
  });
});

describe("the image-updater executable", () => {
  const run = promisify(execFile);
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ["--conditions=@image-updater/source", "--import", "tsx", "src/main.ts", ...args],
        { cwd: DAEMON_DIR },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it.each([
    [["version"], 0, /^image-updater v/],
    [["run", "--interval", "soon", "--applications-dir", "."], 2, /invalid value "soon" for --interval/],
    [["test"], 2, /test needs exactly one IMAGE/],
  ])("%j exits %d", async (args, code, output) => {
    const result = await cli(args);

    expect(result.code).toBe(code);
    expect(result.stdout + result.stderr).toMatch(output);
  });
});
