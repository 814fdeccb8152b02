/**
 * Push-to-commit latency through registry webhooks. A real `docker-registry` sends its notifications
 * (`notifications.endpoints`) to `image-updater run --enable-webhook --interval 10m`, so only a webhook can
 * explain an update. Each push waits for its commit; the figures are the daemon's own (delivery to write-back
 * done, its `latency_ms` log field) and the outside view (manifest PUT started to that log line). A proxy in
 * front of the registry counts the daemon's tag listings per repository.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBareRepo,
  freePort,
  pushImage,
  readBranchFiles,
  readBranchLog,
  startCountingProxy,
  startGitHttpServer,
  startRegistry,
} from "@image-updater/bench";
import { runCli } from "@image-updater/example-daemon";

const PREFIX = "argocd-image-updater.argoproj.io";
const SECRET = "bench-notify-secret";
const WATCHED = "team/app";
const UNWATCHED = "team/unwatched";

/** Options of {@link runWebhookScenario}. */
export interface WebhookScenarioOptions {
  /** Pushes to the watched repository, each waited for. */
  readonly pushes: number;
  /** How long one push may take to be committed before it counts as missed. @default 15_000 */
  readonly timeoutMs?: number;
  /**
   * After the pushes, deliver a correctly signed notification naming a tag the registry does not have, and
   * wait out the engine's look-agains. @default false
   */
  readonly announceMissingTag?: boolean;
  /**
   * After the pushes, push one more tag and deliver this many notifications for it at once (the real one
   * plus signed copies), then count the tag listings they cost. @default 0 (no burst)
   */
  readonly burst?: number;
}

/** What the scenario measured. */
export interface WebhookScenarioResult {
  readonly pushes: number;
  /** Pushes whose tag reached `main` in time. */
  readonly committed: number;
  /** Commits on `main` after the first one. */
  readonly commits: number;
  /** The last pushed tag is what `main` deploys. */
  readonly lastTagOnMain: boolean;
  /** Commits on `main` after the signed notification for a missing tag (0 when all is well). */
  readonly commitsAfterMissingTag: number;
  /** Tag listings the burst cost, and whether its tag was committed; absent without a burst. */
  readonly burst?: { readonly notifications: number; readonly tagListings: number; readonly committed: boolean };
  /** The daemon's figure per committed push: delivery received to write-back done. */
  readonly daemonMs: readonly number[];
  /** Manifest PUT started to the daemon's write-back log line. */
  readonly pushToCommitMs: readonly number[];
  /** `GET /v2/<repository>/tags/list` the daemon sent during the pushes (not the burst), by repository. */
  readonly tagListings: Readonly<Record<string, number>>;
  /** Responses to deliveries that must be refused: wrong secret, no secret, unknown type. */
  readonly refusedStatuses: readonly number[];
  /** Exposition text of /metrics at the end. */
  readonly metrics: string;
}

function deployment(image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;
}

function application(repoURL: string, image: string): string {
  return [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    "  name: app",
    "  namespace: argocd",
    "  annotations:",
    `    ${PREFIX}/image-list: app=${image}`,
    `    ${PREFIX}/app.update-strategy: semver`,
    `    ${PREFIX}/write-back-method: git`,
    `    ${PREFIX}/git-branch: main`,
    "spec:",
    "  project: default",
    `  source: { repoURL: "${repoURL}", path: app, targetRevision: main }`,
    "  destination: { server: https://kubernetes.default.svc, namespace: app }",
    "",
  ].join("\n");
}

/** The percentile `p` (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Waits for `condition` (polled every 20 ms) up to `ms`; resolves whether it held. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Runs the scenario end to end and stops everything it started. */
export async function runWebhookScenario(options: WebhookScenarioOptions): Promise<WebhookScenarioResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const scratch = await mkdtemp(join(tmpdir(), "iu-bench-webhook-"));
  const port = await freePort();
  const [git, registry] = await Promise.all([
    startGitHttpServer(),
    startRegistry({
      notifications: `http://127.0.0.1:${port}/webhook?type=distribution`,
      notificationHeaders: { Authorization: `Bearer ${SECRET}` },
    }),
  ]);
  const proxy = await startCountingProxy(registry.url);
  const controller = new AbortController();
  let exit: Promise<number> | undefined;
  try {
    const image = `${registry.host}/${WATCHED}`;
    await pushImage(registry, WATCHED, { tags: ["1.0.0"], created: "2026-01-01T00:00:00Z" });
    const bare = await createBareRepo(git.root, "deploy", { "app/deployment.yaml": deployment(`${image}:1.0.0`) });
    await mkdir(join(scratch, "applications"));
    await writeFile(join(scratch, "applications", "app.yaml"), application(git.repoUrl("deploy"), image));
    // The daemon lists tags through the proxy; pushes and notifications name the registry itself.
    await writeFile(
      join(scratch, "registries.conf"),
      `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${proxy.url}\n`,
    );

    const written = new Map<string, number>();
    const daemonMs: number[] = [];
    let health: number | null = null;
    let metricsPort: number | null = null;
    let webhookPort: number | null = null;
    let pending = "";
    const stderr = (text: string) => {
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        const entry = JSON.parse(line) as { msg?: string; tag?: string; announced?: string; latency_ms?: number };
        if (entry.msg !== "Webhook push written back" || entry.tag === undefined) continue;
        written.set(entry.tag, performance.now());
        // A notification that named another tag (the registry's retry of one sent before the daemon
        // listened) is timed from its own delivery: not this push's figure.
        if (entry.announced === undefined && typeof entry.latency_ms === "number") daemonMs.push(entry.latency_ms);
      }
    };
    exit = runCli(
      [
        "run",
        "--applications-dir",
        join(scratch, "applications"),
        "--registries-conf-path",
        join(scratch, "registries.conf"),
        "--cache-dir",
        join(scratch, "cache"),
        "--interval",
        "10m",
        "--health-port",
        "0",
        "--metrics-port",
        "0",
        "--enable-webhook",
        "--webhook-port",
        String(port),
        "--distribution-webhook-secret",
        SECRET,
        "--logformat",
        "json",
      ],
      { stdout: () => {}, stderr, env: { HOME: scratch }, signal: controller.signal },
      {
        onListening: (ports) => {
          health = ports.health;
          metricsPort = ports.metrics;
        },
        onWebhookListening: (listening) => {
          webhookPort = listening;
        },
      },
    );
    await until(() => webhookPort !== null, 10_000);
    // The first polling cycle has run (and found 1.0.0 current) once /readyz answers.
    for (let ready = false; !ready; await new Promise((resolve) => setTimeout(resolve, 20))) {
      ready = health !== null && (await fetch(`http://127.0.0.1:${health}/readyz`)).status === 200;
    }
    const before = proxy.requests.length;

    const refusedStatuses: number[] = [];
    const envelope = (tag: string) =>
      JSON.stringify({
        events: [{ action: "push", target: { repository: WATCHED, tag }, request: { host: registry.host } }],
      });
    const deliver = (query: string, headers: Record<string, string>, tag = "9.9.9") =>
      fetch(`http://127.0.0.1:${port}/webhook?${query}`, {
        method: "POST",
        headers: { "content-type": "application/vnd.docker.distribution.events.v1+json", ...headers },
        body: envelope(tag),
      }).then((response) => response.status);
    refusedStatuses.push(await deliver("type=distribution", { authorization: "Bearer forged" }));
    refusedStatuses.push(await deliver("type=distribution", {}));
    refusedStatuses.push(await deliver("type=nexus", { authorization: `Bearer ${SECRET}` }));

    // A repository no application watches: its pushes must cost no listing.
    await pushImage(registry, UNWATCHED, { tags: ["1.0.0"], created: "2026-01-02T00:00:00Z" });

    const pushToCommitMs: number[] = [];
    let committed = 0;
    for (let i = 1; i <= options.pushes; i++) {
      const tag = `1.${i}.0`;
      const started = performance.now();
      await pushImage(registry, WATCHED, {
        tags: [tag],
        created: `2026-02-01T00:00:${String(i % 60).padStart(2, "0")}Z`,
      });
      if (await until(() => written.has(tag), timeoutMs)) {
        committed++;
        pushToCommitMs.push((written.get(tag) ?? started) - started);
      }
    }
    // The burst and the missing tag below log write-backs too; the figures are the pushes'.
    const daemonMsOfPushes = daemonMs.slice();
    const tagListings: Record<string, number> = {};
    for (const request of proxy.requests.slice(before)) {
      const repository = /^\/v2\/(?<repo>.+)\/tags\/list/.exec(request.url)?.groups?.repo;
      if (repository !== undefined) tagListings[repository] = (tagListings[repository] ?? 0) + 1;
    }
    const last = `1.${options.pushes}.0`;
    const files = await readBranchFiles(bare, "main");
    const lastTagOnMain = files["app/deployment.yaml"]?.includes(`${image}:${last}\n`) ?? false;
    const commits = (await readBranchLog(bare, "main")).length - 1;
    let burst: WebhookScenarioResult["burst"];
    if (options.burst !== undefined && options.burst > 0) {
      const tag = "2.0.0";
      const from = proxy.requests.length;
      await pushImage(registry, WATCHED, { tags: [tag], created: "2026-03-01T00:00:00Z" });
      const copies = Array.from({ length: options.burst - 1 }, () =>
        deliver("type=distribution", { authorization: `Bearer ${SECRET}` }, tag),
      );
      await Promise.all(copies);
      const done = await until(() => written.has(tag), timeoutMs);
      // The follow-up the copies joined runs after the write; give it time to list and find nothing new.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const listings = proxy.requests.slice(from).filter((r) => r.url.startsWith(`/v2/${WATCHED}/tags/list`)).length;
      burst = { notifications: options.burst, tagListings: listings, committed: done };
    }
    let commitsAfterMissingTag = 0;
    if (options.announceMissingTag) {
      const before = (await readBranchLog(bare, "main")).length;
      await deliver("type=distribution", { authorization: `Bearer ${SECRET}` });
      // Longer than the engine's bounded look-agains (about 3 s).
      await new Promise((resolve) => setTimeout(resolve, 4000));
      commitsAfterMissingTag = (await readBranchLog(bare, "main")).length - before;
    }

    const metrics = metricsPort === null ? "" : await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return {
      pushes: options.pushes,
      committed,
      commits,
      lastTagOnMain,
      commitsAfterMissingTag,
      ...(burst === undefined ? {} : { burst }),
      daemonMs: daemonMsOfPushes,
      pushToCommitMs,
      tagListings,
      refusedStatuses,
      metrics,
    };
  } finally {
    controller.abort();
    await exit?.catch(() => 1);
    await Promise.allSettled([proxy.close(), registry.stop(), git.stop()]);
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `pnpm bench`: 25 pushes, then p50 / p99 of both figures and the listings per repository. */
export async function main(): Promise<WebhookScenarioResult> {
  const result = await runWebhookScenario({ pushes: 25, burst: 50 });
  const row = (name: string, values: readonly number[]) => ({
    figure: name,
    samples: values.length,
    p50_ms: Math.round(percentile(values, 50)),
    p99_ms: Math.round(percentile(values, 99)),
    max_ms: Math.round(Math.max(...values)),
  });
  console.table([
    row("delivery → write-back (daemon)", result.daemonMs),
    row("push → write-back", result.pushToCommitMs),
  ]);
  console.log(
    `${result.committed}/${result.pushes} pushes committed (${result.commits} commits); tag listings during the pushes: ${JSON.stringify(result.tagListings)}; forged deliveries answered ${result.refusedStatuses.join(", ")}`,
  );
  if (result.burst !== undefined) {
    console.log(
      `burst of ${result.burst.notifications} notifications for one push: ${result.burst.tagListings} tag listing(s), ${result.burst.committed ? "committed" : "NOT committed"}`,
    );
  }
  return result;
}
