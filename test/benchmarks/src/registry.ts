/**
 * Registry request budget: what a cycle costs, counted at the registry, for the scenarios that hurt in
 * production (many applications on few repositories, newest-build, restarts, rate limits). Prints one table.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cleanupBench,
  type ImageSpec,
  pushImages,
  type ScriptedRegistry,
  type ScriptedRegistryScript,
  startRegistry,
  startScriptedRegistry,
} from "@image-updater/bench";
import {
  type Application,
  createUpdater,
  type PolicyRegistryClient,
  type RegistryHttpRequest,
  withRegistryPolicies,
} from "@image-updater/core";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { measureCost, type StepCost } from "./cost.js";

const APPLICATIONS = 50;
const REPOSITORIES = ["team/api", "team/web", "team/worker"];
const TAGS_PER_REPOSITORY = 20;

/** One scenario's counts. */
export interface RegistryBenchRow {
  readonly scenario: string;
  readonly tagPages: number;
  readonly manifests: number;
  readonly heads: number;
  readonly blobs: number;
  readonly auth: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly wallMs: number;
}

function images(): ImageSpec[] {
  return Array.from({ length: TAGS_PER_REPOSITORY }, (_, i) => ({
    tags: [`1.0.${i}`],
    created: new Date(Date.UTC(2024, 0, i + 1)).toISOString(),
    platforms: i % 2 === 0 ? ["linux/amd64", "linux/arm64"] : ["linux/amd64"],
  }));
}

const SCRIPT: ScriptedRegistryScript = {
  repositories: Object.fromEntries(REPOSITORIES.map((name) => [name, images()])),
  pageSize: 10,
};

type Strategy = "newest-build" | "semver" | "digest";

const PREFIX = "argocd-image-updater.argoproj.io";

/** Applications that each watch every repository with `strategy`, running `1.0.3` (tracked by `digest`). */
function fleet(registry: string, strategy: Strategy): Application[] {
  const tracked = strategy === "digest" ? ":1.0.3" : "";
  return Array.from({ length: APPLICATIONS }, (_, i) => ({
    namespace: "argocd",
    name: `app-${i}`,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: REPOSITORIES.map((r, n) => `i${n}=${registry}/${r}${tracked}`).join(","),
      ...Object.fromEntries(REPOSITORIES.map((_, n) => [`${PREFIX}/i${n}.update-strategy`, strategy])),
      ...Object.fromEntries(REPOSITORIES.map((_, n) => [`${PREFIX}/i${n}.platforms`, "linux/amd64"])),
    },
    spec: { source: { repoURL: "https://git.example/fleet.git", path: `app-${i}`, kustomize: {} } },
    status: { summary: { images: REPOSITORIES.map((r) => `${registry}/${r}:1.0.3`) } },
  }));
}

/** One dry-run cycle of the engine over {@link fleet}; the engine picks every registry call. */
async function cycle(client: PolicyRegistryClient, registry: string, strategy: Strategy): Promise<void> {
  const applications = fleet(registry, strategy);
  const updater = createUpdater({
    source: { id: "bench", list: async () => applications },
    registry: client,
    dryRun: true,
  });
  const result = await updater.runOnce();
  if (result.errors > 0) throw new Error(`bench cycle (${strategy}) had ${result.errors} error(s)`);
}

function count(events: readonly RegistryHttpRequest[], kind: RegistryHttpRequest["kind"], method = "GET"): number {
  return events.filter((e) => e.kind === kind && e.method === method && e.status !== 401).length;
}

function row(scenario: string, events: readonly RegistryHttpRequest[], cost: StepCost): RegistryBenchRow {
  return {
    scenario,
    tagPages: count(events, "tags"),
    manifests: count(events, "manifest"),
    heads: count(events, "manifest", "HEAD"),
    blobs: count(events, "blob"),
    auth: events.filter((e) => e.kind === "token" || e.status === 401).length,
    ...cost,
  };
}

function scripted(server: ScriptedRegistry, events: RegistryHttpRequest[], cacheFile?: string): PolicyRegistryClient {
  const raw = createOciRegistryClient({
    endpoints: [
      { name: "bench", prefix: server.host, apiUrl: server.url, tagSortMode: "none", insecure: true, isDefault: false },
    ],
    onRequest: (event) => events.push(event),
  });
  return withRegistryPolicies(raw, cacheFile ? { metadataCache: { file: cacheFile } } : {});
}

async function measure(
  rows: RegistryBenchRow[],
  scenario: string,
  events: RegistryHttpRequest[],
  run: () => Promise<void>,
): Promise<void> {
  events.length = 0;
  const { cost } = await measureCost(run);
  rows.push(row(scenario, events, cost));
}

/** Runs every scenario and returns its counts. */
export async function runRegistryBench(): Promise<RegistryBenchRow[]> {
  const rows: RegistryBenchRow[] = [];
  const dir = await mkdtemp(join(tmpdir(), "registry-bench-"));
  const scriptedServer = await startScriptedRegistry(SCRIPT);
  const real = await startRegistry({ auth: "token" });
  try {
    const events: RegistryHttpRequest[] = [];
    const cacheFile = join(dir, "metadata.json");
    const prefix = `${APPLICATIONS} apps x ${REPOSITORIES.length} repos x ${TAGS_PER_REPOSITORY} tags`;

    const client = scripted(scriptedServer, events, cacheFile);
    await measure(rows, `${prefix}, semver`, events, () => cycle(client, scriptedServer.host, "semver"));
    await measure(rows, `${prefix}, newest-build, cold`, events, () =>
      cycle(client, scriptedServer.host, "newest-build"),
    );
    await measure(rows, `${prefix}, newest-build, warm`, events, () =>
      cycle(client, scriptedServer.host, "newest-build"),
    );
    await measure(rows, `${prefix}, digest (HEAD)`, events, () => cycle(client, scriptedServer.host, "digest"));
    await client.dispose?.();
    const restarted = scripted(scriptedServer, events, cacheFile);
    await measure(rows, `${prefix}, newest-build, after restart`, events, () =>
      cycle(restarted, scriptedServer.host, "newest-build"),
    );
    await measure(rows, `${prefix}, newest-build, warm again`, events, () =>
      cycle(restarted, scriptedServer.host, "newest-build"),
    );
    // The newest tag of each repository pushed again as another image: noticed by the winner's HEAD.
    for (const [n, repository] of REPOSITORIES.entries()) {
      scriptedServer.addImages(repository, [
        { tags: [`1.0.${TAGS_PER_REPOSITORY - 1}`], created: new Date(Date.UTC(2024, 1, 1 + n)).toISOString() },
      ]);
    }
    await measure(rows, `${prefix}, newest-build, newest tag pushed again`, events, () =>
      cycle(restarted, scriptedServer.host, "newest-build"),
    );
    await restarted.dispose?.();

    scriptedServer.setFaults([{ path: "/v2/*/tags/list", status: 429, retryAfter: 1, times: 2 }]);
    const limited = scripted(scriptedServer, events);
    await measure(rows, `${prefix}, semver, 2 x 429 Retry-After: 1`, events, () =>
      cycle(limited, scriptedServer.host, "semver"),
    );
    await limited.dispose?.();

    for (const repository of REPOSITORIES) await pushImages(real, repository, images());
    const tokenEvents: RegistryHttpRequest[] = [];
    const tokenClient = withRegistryPolicies(
      createOciRegistryClient({
        endpoints: [
          { name: "real", prefix: real.host, apiUrl: real.url, tagSortMode: "none", insecure: true, isDefault: false },
        ],
        credentials: { [real.host]: { username: real.username ?? "", password: real.password ?? "" } },
        onRequest: (event) => tokenEvents.push(event),
      }),
    );
    await measure(rows, `${prefix}, newest-build, docker-registry + token, cold`, tokenEvents, () =>
      cycle(tokenClient, real.host, "newest-build"),
    );
    await measure(rows, `${prefix}, newest-build, docker-registry + token, warm`, tokenEvents, () =>
      cycle(tokenClient, real.host, "newest-build"),
    );
    await tokenClient.dispose?.();
  } finally {
    await scriptedServer.stop();
    await real.stop();
    await cleanupBench();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * What argocd-image-updater spends on the same cycles, from its code (every application lists every repository,
 * one ping and one token per listing, metadata cached per endpoint, digest strategy by manifest GET).
 */
export function peerEstimate(strategy: Strategy, warm: boolean): number {
  const perListing = 1 + 1 + Math.ceil(TAGS_PER_REPOSITORY / 10);
  const listings = APPLICATIONS * REPOSITORIES.length * perListing;
  if (strategy === "digest") return APPLICATIONS * REPOSITORIES.length * (2 + Math.ceil(TAGS_PER_REPOSITORY / 10) + 2);
  if (strategy === "semver" || warm) return listings;
  const indexes = Math.ceil(TAGS_PER_REPOSITORY / 2);
  const metadata = REPOSITORIES.length * (indexes * 3 + (TAGS_PER_REPOSITORY - indexes) * 2);
  return listings + metadata;
}

/** Prints the table. */
export async function main(): Promise<void> {
  const rows = await runRegistryBench();
  console.log("registry: requests per cycle, counted at the registry (auth = token requests and 401 challenges)");
  console.table(rows);
  console.log("argocd-image-updater, same cycles, from its code (requests incl. ping and token):");
  console.table([
    { scenario: "semver", requests: peerEstimate("semver", false) },
    { scenario: "newest-build, cold", requests: peerEstimate("newest-build", false) },
    { scenario: "newest-build, warm", requests: peerEstimate("newest-build", true) },
    { scenario: "digest", requests: peerEstimate("digest", false) },
  ]);
}
