import { execFile } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CycleCounters, TypedEmitter, UpdaterEvents } from "@image-updater/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import type { CliIo } from "../src/cli/io.js";
import type { DaemonConfig, DaemonUpdater } from "../src/wiring.js";
import { runOnce, startDaemon, writeLayoutRegistry, writeSecrets, writeSeedApplications } from "./cli-fixture.js";
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
    [["run", "--help"], "Usage: image-updater run [flags]"],
    [["run", "-h"], "Usage: image-updater run [flags]"],
    [["run", "--applications-dir", "/x", "--help"], "Usage: image-updater run [flags]"],
    [["test", "--help"], "Usage: image-updater test IMAGE [flags]"],
    [["template", "-h"], "Usage: image-updater template [PATH]"],
    [["completion", "--help"], "Usage: image-updater completion SHELL"],
    [["-h"], "Usage: image-updater COMMAND [flags]"],
  ])("%j prints that command's help and exits 0", async (args, usage) => {
    const t = io();

    expect(await runCli(args, t.io)).toBe(0);
    expect(t.stdout()).toContain(usage);
    expect(t.stderr()).toBe("");
  });

  it("lists the flags accepted only for compatibility apart, each with its meaning", async () => {
    const t = io();

    await runCli(["run", "--help"], t.io);
    const [active, inert] = t.stdout().split("Accepted for compatibility with argocd-image-updater, no effect here:");

    expect(active).toContain("--interval DURATION");
    expect(active).toContain("[IMAGE_UPDATER_INTERVAL]");
    expect(inert).toMatch(/--argocd-grpc-web +use gRPC-web for the Argo CD API/);
    expect(active).toMatch(/--webhook-port PORT/);
    expect(inert).not.toContain("--webhook-port");
    expect(active).not.toContain("--argocd-grpc-web");
  });

  it.each([
    [["help", "nope"], 'unknown command "nope"'],
    [["completion", "powershell"], "completion needs one SHELL: bash, zsh, fish"],
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

describe("image-updater completion", () => {
  it("writes a bash script that completes commands and each command's flags", async () => {
    const t = io();
    expect(await runCli(["completion", "bash"], t.io)).toBe(0);
    const script = join(dir, "completion.bash");
    await writeFile(script, t.stdout());
    const complete = (words: string) =>
      promisify(execFile)("bash", [
        "-c",
        `source ${script}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _image_updater; echo "\${COMPREPLY[*]}"`,
      ]);

    expect((await complete("image-updater te")).stdout.trim()).toBe("test template");
    expect((await complete("image-updater run --registries")).stdout.trim()).toBe("--registries-conf-path");
    expect((await complete("image-updater test --rate")).stdout.trim()).toBe("--rate-limit");
  });

  it.each([["zsh"], ["fish"]])("writes a %s script that the shell parses", async (shell) => {
    const t = io();
    expect(await runCli(["completion", shell], t.io)).toBe(0);
    const script = join(dir, `completion.${shell}`);
    await writeFile(script, t.stdout());

    expect(t.stdout()).toContain("registries-conf-path");
    await expect(promisify(execFile)(shell, ["-n", script])).resolves.toBeDefined();
  });
});

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
    expect(lines.map((l) => l.msg)).toContain(
      "Successfully updated image 'docker.io/myorg/myapp:1.0.0' to 'docker.io/myorg/myapp:1.2.3', but pending spec update (dry run=true)",
    );
    expect(lines.map((l) => l.msg)).not.toContain("Starting health probe server");
  });

  it("--once exits 3 when the applications folder does not exist", async () => {
    const t = io();
    const engine = scriptedUpdater();

    const code = await runCli(["run", "--once", "--applications-dir", join(dir, "missing")], t.io, {
      createUpdater: engine.create,
    });

    expect(code).toBe(3);
    expect(engine.cycles()).toBe(0);
    expect(t.stderr()).toContain("the applications folder does not exist");
  });

  it("--once exits 4 when every application failed (their repository cannot be reached)", async () => {
    await writeSeedApplications(dir, "https://git.example.invalid/manifests.git", "registry.example.invalid/myapp");
    await writeFile(join(dir, "registries.conf"), "registries: []\n");
    await writeSecrets(dir, []);

    const { code, text } = await runOnce(dir);

    expect(code, text).toBe(4);
    expect(text.match(/msg="Could not process application"/g), text).toHaveLength(2);
    expect(text).toContain("every application failed");
  }, 60_000);

  it("logs the daemon's polling cycles as trigger=interval, not manual", async () => {
    await writeSeedApplications(dir, "https://git.example.invalid/manifests.git", "docker.io/myorg/myapp");
    await writeLayoutRegistry(dir, [{ tag: "1.0.0", created: "2026-01-01T00:00:00Z" }]);
    const daemon = await startDaemon(dir, "off");
    while (!daemon.logs().includes("Processing results")) await new Promise((resolve) => setTimeout(resolve, 20));

    expect(await daemon.stop()).toBe(0);
    expect(daemon.logs()).toMatch(/msg="Starting image update cycle, .*" run=\S+ trigger=interval/);
    expect(daemon.logs()).not.toContain("trigger=manual");
  }, 60_000);

  it("logs one warning per accepted flag that has no effect here", async () => {
    const engine = scriptedUpdater();
    const t = io();
    const pending = runCli(["run", "--once", "--applications-dir", dir, "--argocd-grpc-web"], t.io, {
      createUpdater: engine.create,
    });
    await engine.firstStarted;
    engine.release();

    expect(await pending).toBe(0);
    expect(t.stderr().match(/--argocd-grpc-web has no effect here/g)).toHaveLength(1);
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

  it("runs as the README's dev command, pnpm --filter … start -- run --help", async () => {
    const { stdout } = await run(
      "pnpm",
      ["--silent", "--filter", "@image-updater/example-daemon", "start", "--", "run", "--help"],
      { cwd: join(DAEMON_DIR, "..", "..") },
    );

    expect(stdout).toContain("Usage: image-updater run [flags]");
  });

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
