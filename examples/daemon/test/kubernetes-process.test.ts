/**
 * `image-updater run --kubeconfig K` as real processes against one Kubernetes API double: a new Application
 * is picked up through the watch, SIGTERM ends the process promptly, and with `--leader-election` exactly one
 * of two replicas works, the standby taking over when the leader dies without committing anything twice.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  pushImages,
  type RegistryServer,
  readBranchLog,
  startGitHttpServer,
  startRegistry,
  tempDir,
} from "@image-updater/bench";
import { type KubeApiDouble, type KubeObject, startKubeApiDouble } from "@image-updater/doubles";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { benchRegistriesConf, deployment, registryCredsSecret, repositorySecret, semverGitApp } from "./e2e-fixture.js";

const DAEMON_DIR = join(import.meta.dirname, "..");

let registry: RegistryServer;
let http: GitHttpServer;
let double: KubeApiDouble;
let image: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [registry, http, double] = await Promise.all([
    startRegistry({ auth: "token" }),
    startGitHttpServer(),
    startKubeApiDouble({ bookmarkIntervalMs: 1000 }),
  ]);
  image = `${registry.host}/myorg/myapp`;
  await pushImages(registry, "myorg/myapp", [
    { tags: ["1.0.0"], created: "2026-01-01T00:00:00Z" },
    { tags: ["1.1.0"], created: "2026-02-01T00:00:00Z" },
  ]);
  double.put("secrets", parse(registryCredsSecret(registry)) as KubeObject);
}, 60_000);

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

afterAll(async () => {
  await double?.stop();
  await cleanupBench();
}, 60_000);

interface Daemon {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

async function startDaemon(name: string, extra: readonly string[] = []): Promise<Daemon> {
  const dir = tempDir(`k8s-daemon-${name}`);
  const conf = join(dir, "registries.conf");
  await writeFile(conf, benchRegistriesConf(registry));
  const child = spawn(
    process.execPath,
    [
      "--conditions=@image-updater/source",
      "--import",
      "tsx",
      "src/main.ts",
      "run",
      "--kubeconfig",
      double.kubeconfigPath,
      "--registries-conf-path",
      conf,
      "--cache-dir",
      join(dir, "cache"),
      "--health-port",
      "0",
      "--metrics-port",
      "off",
      "--interval",
      "1h",
      ...extra,
    ],
    { cwd: DAEMON_DIR, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, POD_NAME: name, HOME: dir } },
  );
  children.push(child);
  let text = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => text,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${name} never logged ${pattern}:\n${text}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

async function gitApp(repo: string, name: string) {
  const bare = await createBareRepo(http.root, repo, {
    [`${name}/deployment.yaml`]: deployment(name, `${image}:1.0.0`),
  });
  const repoUrl = http.repoUrl(repo);
  double.put(
    "secrets",
    parse(repositorySecret(`repo-${repo}`, repoUrl, { username: "any", password: "any" })) as KubeObject,
  );
  return { bare, application: parse(semverGitApp(name, repoUrl, name, image)) as KubeObject };
}

describe("image-updater run --kubeconfig, as processes", () => {
  it("picks up a newly annotated Application through the watch, and exits promptly on SIGTERM", async () => {
    const first = await gitApp("watched-first", "first");
    double.put("argoproj.io/applications", first.application);
    const daemon = await startDaemon("single");
    await daemon.waitFor(/msg="Processing results: applications=1/);
    expect((await readBranchLog(first.bare, "main")).length).toBe(2);

    const later = await gitApp("watched-later", "later");
    const created = Date.now();
    double.put("argoproj.io/applications", later.application);
    while ((await readBranchLog(later.bare, "main")).length < 2) {
      if (Date.now() - created > 10_000) throw new Error(`no commit for the new Application:\n${daemon.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pickedUpMs = Date.now() - created;
    expect(daemon.output()).toContain('msg="Application changed, running a cycle" application=later namespace=argocd');

    const term = Date.now();
    daemon.child.kill("SIGTERM");
    const code = await daemon.exited;
    const exitMs = Date.now() - term;

    expect(pickedUpMs).toBeLessThan(10_000);
    expect(exitMs).toBeLessThan(10_000);
    expect(code).toBe(0);
  }, 120_000);

  it("with --leader-election, one of two replicas updates; the standby takes over within 15 s of the leader's death and commits nothing twice", async () => {
    const applications = double.type("argoproj.io/applications");
    for (const old of double.store.list(applications, "argocd"))
      double.store.delete(applications, "argocd", old.metadata.name);
    const app = await gitApp("elected", "elected");
    double.put("argoproj.io/applications", app.application);
    const a = await startDaemon("replica-a", ["--leader-election"]);
    await a.waitFor(/msg="Acquired leadership/);
    const b = await startDaemon("replica-b", ["--leader-election"]);
    await b.waitFor(/msg="Waiting for leadership/);
    await a.waitFor(/msg="Processing results: applications=1/);
    const afterLeader = await readBranchLog(app.bare, "main");
    expect(afterLeader.length).toBe(2);
    expect(b.output()).not.toContain("Acquired leadership");

    const killed = Date.now();
    a.child.kill("SIGKILL");
    await b.waitFor(/msg="Acquired leadership/, 20_000);
    const takeOverMs = Date.now() - killed;
    await b.waitFor(/msg="Processing results: applications=1/);

    expect(takeOverMs).toBeLessThan(15_000);
    expect(await readBranchLog(app.bare, "main")).toEqual(afterLeader);
    const lease = double.store.get(double.type("coordination.k8s.io/leases"), "argocd", "c21b75f2.argoproj.io");
    expect((lease.spec as { holderIdentity: string }).holderIdentity).toBe("replica-b");
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  }, 120_000);
});
