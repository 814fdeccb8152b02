/**
 * `image-updater run --kubeconfig K` as real processes against one Kubernetes API double: a new Application
 * is picked up through the watch, SIGTERM ends the process promptly, and with `--leader-election` exactly one
 * of two replicas works, the standby taking over when the leader dies without committing anything twice;
 * with `--enable-webhook`, the webhook secrets come from the Secret `argocd-image-updater-secret` and a
 * rotation takes effect without a restart.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  pushImage,
  pushImages,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  startGitHttpServer,
  startRegistry,
  tempDir,
} from "@image-updater/bench";
import { type KubeApiDouble, type KubeObject, startKubeApiDouble } from "@image-updater/doubles";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  benchRegistriesConf,
  deployment,
  registryCredsSecret,
  repositorySecret,
  secretManifest,
  semverGitApp,
} from "./e2e-fixture.js";

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

  it("with --enable-webhook, takes the secrets from the Secret argocd-image-updater-secret and follows its rotation without a restart", async () => {
    const applications = double.type("argoproj.io/applications");
    for (const old of double.store.list(applications, "argocd"))
      double.store.delete(applications, "argocd", old.metadata.name);
    const putWebhookSecret = (value: string) =>
      double.put(
        "secrets",
        parse(secretManifest("argocd-image-updater-secret", { "webhook.distribution-secret": value })) as KubeObject,
      );
    putWebhookSecret("first-secret");
    await pushImages(registry, "myorg/hooked", [{ tags: ["1.0.0"], created: "2026-01-01T00:00:00Z" }]);
    const hookedImage = `${registry.host}/myorg/hooked`;
    const bare = await createBareRepo(http.root, "hooked", {
      "hooked/deployment.yaml": deployment("hooked", `${hookedImage}:1.0.0`),
    });
    const repoUrl = http.repoUrl("hooked");
    double.put(
      "secrets",
      parse(repositorySecret("repo-hooked", repoUrl, { username: "a", password: "a" })) as KubeObject,
    );
    double.put("argoproj.io/applications", parse(semverGitApp("hooked", repoUrl, "hooked", hookedImage)) as KubeObject);

    const daemon = await startDaemon("webhook", ["--enable-webhook", "--webhook-port", "0"]);
    await daemon.waitFor(/msg="Starting webhook server" port=\d+/);
    await daemon.waitFor(/msg="Processing results: applications=1/);
    const port = /msg="Starting webhook server" port=(\d+)/.exec(daemon.output())?.[1];
    expect(daemon.output()).toContain("secured_types=distribution");
    const deliver = (secret: string | null, repository = "myorg/hooked", tag = "") =>
      fetch(`http://127.0.0.1:${port}/webhook?type=distribution`, {
        method: "POST",
        headers: {
          "content-type": "application/vnd.docker.distribution.events.v1+json",
          ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
        },
        body: JSON.stringify({
          events: [{ action: "push", target: { repository, tag }, request: { host: registry.host } }],
        }),
      }).then((response) => response.status);
    const mainHas = async (tag: string) => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const files = await readBranchFiles(bare, "main");
        if (files["hooked/deployment.yaml"]?.includes(`${hookedImage}:${tag}`)) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    };

    // Delivers a push for a repository nobody watches until the answer is `expected`; returns the last answer.
    const statusWithin = async (secret: string, expected: number) => {
      const deadline = Date.now() + 15_000;
      let status = await deliver(secret, "myorg/unwatched");
      while (status !== expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = await deliver(secret, "myorg/unwatched");
      }
      return status;
    };

    // Nothing newer yet: the first cycle found 1.0.0 current. Only a push can move it (interval 1h).
    await pushImage(registry, "myorg/hooked", { tags: ["1.1.0"], created: "2026-02-01T00:00:00Z" });
    expect(await deliver("wrong-secret", "myorg/hooked", "1.1.0")).toBe(403);
    expect(await deliver(null, "myorg/hooked", "1.1.0")).toBe(401);
    expect(await deliver("first-secret", "myorg/hooked", "1.1.0")).toBe(200);
    expect(await mainHas("1.1.0")).toBe(true);
    await daemon.waitFor(/msg="Webhook push written back" image="[^"]+\/myorg\/hooked" tag=1\.1\.0/);

    // Rotated in the API: the new secret is accepted within the re-read interval, and the old one refused.
    putWebhookSecret("second-secret");
    expect(await statusWithin("second-secret", 200)).toBe(200);
    expect(await deliver("first-secret", "myorg/hooked", "1.2.0")).toBe(403);
    await daemon.waitFor(/msg="Webhook secrets changed in the Secret argocd-image-updater-secret" types=distribution/);

    await pushImage(registry, "myorg/hooked", { tags: ["1.2.0"], created: "2026-03-01T00:00:00Z" });
    expect(await deliver("second-secret", "myorg/hooked", "1.2.0")).toBe(200);
    expect(await mainHas("1.2.0")).toBe(true);

    // The Secret gone: the type has no secret, so --webhook-require-secret (the default) refuses it.
    double.store.delete(double.type("secrets"), "argocd", "argocd-image-updater-secret");
    expect(await statusWithin("second-secret", 403)).toBe(403);
    expect(daemon.output()).not.toMatch(/first-secret|second-secret/);
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
  }, 120_000);
});
