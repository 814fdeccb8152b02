/**
 * Git at fleet scale, through the real engine and the `git-cli` writer:
 * - `fleet`: one dry-run cycle over many GitOps repositories (file:// bare repositories), cold and with warm
 *   mirrors: git processes per cycle by subcommand, CPU, RSS, wall.
 * - `monorepo`: 10 000 and 20 000 applications in one GitOps repository (warm mirror, dry run): the cost per
 *   application must not grow with the repository.
 * - `write`: the write phase alone (warm mirrors, git http-backend), one repository against ten.
 * Knobs: `FLEET_GIT_REPOSITORIES`, `FLEET_GIT_APPLICATIONS`, `FLEET_GIT_MONOREPO` (sizes, comma separated),
 * `FLEET_GIT_ONLY` (one of the three).
 */
import { cp, rm } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createBareRepo,
  type GitHttpServer,
  type ImageSpec,
  removeTempDir,
  runCommand,
  type ScriptedRegistry,
  startGitHttpServer,
  startScriptedRegistry,
  tempDir,
} from "@image-updater/bench";
import {
  type Application,
  createUpdater,
  type GitCredentials,
  type GitWriter,
  parseRegistriesConf,
  withRegistryPolicies,
} from "@image-updater/core";
import { createCliGitWriter } from "@image-updater/git-adapters";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { measureCost } from "./cost.js";
import { profiled } from "./cpu-profile.js";
import { deployment, gitApplication } from "./fixtures.js";
import {
  countGitProcesses,
  finishedChildrenCpuMs,
  type GitProcessCounter,
  loadAverage,
  processesBetween,
} from "./git-processes.js";

const REPOSITORIES = Number(process.env.FLEET_GIT_REPOSITORIES ?? 1_000);
const APPLICATIONS = Number(process.env.FLEET_GIT_APPLICATIONS ?? 10_000);
const MONOREPO_SIZES = (process.env.FLEET_GIT_MONOREPO ?? "10000,20000").split(",").map(Number);
const ONLY = process.env.FLEET_GIT_ONLY;
/** Image repositories the applications watch: few, so the registry's share of the CPU stays small. */
const IMAGES = 10;
const GIT_AUTH = { username: "bench", password: "bench-password" };

/** One measured cycle (or write phase). */
export interface FleetGitBenchRow {
  readonly scenario: string;
  readonly applications: number;
  readonly repositories: number;
  readonly gitProcesses: number;
  /** Git processes by subcommand, e.g. `fetch 1000, cat-file 1000`. */
  readonly byCommand: string;
  /** CPU of this process (engine, adapters, and the in-process registry / git HTTP front). */
  readonly cpuMs: number;
  /** CPU of the finished child processes (git, and for `write` the git http-backend CGI too). */
  readonly childCpuMs: number;
  readonly peakRssMiB: number;
  readonly wallMs: number;
}

function application(name: string, repoURL: string, path: string, image: string): Application {
  return gitApplication({ name, repoURL, path, image, strategy: "semver" });
}

/** `count` applications under `apps/`, watching the images in turn: path → manifest. */
function gitopsFiles(count: number, imageOf: (index: number) => string): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `apps/app-${i}/deployment.yaml`,
      deployment(`app-${i}`, `${imageOf(i)}:1.0.0`),
    ]),
  );
}

function tags(): ImageSpec[] {
  return Array.from({ length: 20 }, (_, i) => ({
    tags: [`1.0.${i}`],
    created: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  }));
}

interface Harness {
  readonly registry: ScriptedRegistry;
  readonly counter: GitProcessCounter;
  imageOf(index: number): string;
  updater(
    applications: readonly Application[],
    options: { readonly cacheDir: string; readonly dryRun: boolean; readonly wrap?: (git: GitWriter) => GitWriter },
  ): ReturnType<typeof createUpdater>;
}

async function startHarness(): Promise<Harness> {
  const names = Array.from({ length: IMAGES }, (_, i) => `fleet/image-${i}`);
  const registry = await startScriptedRegistry({ repositories: Object.fromEntries(names.map((n) => [n, tags()])) });
  const { endpoints } = parseRegistriesConf(
    `registries:\n- name: fleet\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
  );
  return {
    registry,
    counter: countGitProcesses(),
    imageOf: (index) => `${registry.host}/${names[index % IMAGES]}`,
    updater(applications, options) {
      const git = createCliGitWriter({ cacheDir: options.cacheDir, fetchReuseMs: 5_000 });
      return createUpdater({
        source: { id: "fleet-git", list: async () => applications },
        endpoints,
        registry: withRegistryPolicies(createOciRegistryClient({ endpoints })),
        git: options.wrap ? options.wrap(git) : git,
        // The git http-backend asks for a password; file:// remotes take none.
        gitCredentials: async ({ repoUrl }): Promise<GitCredentials | undefined> =>
          repoUrl.startsWith("http") ? { kind: "https", ...GIT_AUTH } : undefined,
        dryRun: options.dryRun,
      });
    },
  };
}

/** Runs `step`, counting git processes and children's CPU. */
async function measureRow(
  harness: Harness,
  label: Pick<FleetGitBenchRow, "scenario" | "applications" | "repositories">,
  step: () => Promise<unknown>,
): Promise<FleetGitBenchRow> {
  const before = harness.counter.snapshot();
  const childBefore = finishedChildrenCpuMs();
  const { cost } = await measureCost(() =>
    profiled(`${label.scenario}-${label.applications}-${label.repositories}`, step),
  );
  const { total, byCommand } = processesBetween(before, harness.counter.snapshot());
  return {
    ...label,
    gitProcesses: total,
    byCommand: Object.entries(byCommand)
      .sort(([, a], [, b]) => b - a)
      .map(([name, count]) => `${name} ${count}`)
      .join(", "),
    ...cost,
    childCpuMs: finishedChildrenCpuMs() - childBefore,
  };
}

/** Dry run over `REPOSITORIES` file:// repositories, `APPLICATIONS` applications spread evenly. */
async function fleet(harness: Harness, scratch: string): Promise<FleetGitBenchRow[]> {
  const perRepository = Math.ceil(APPLICATIONS / REPOSITORIES);
  // Every repository holds the same layout, so one seed is built with git and copied.
  const seed = await createBareRepo(join(scratch, "seed"), "seed", gitopsFiles(perRepository, harness.imageOf));
  await rm(join(seed, "hooks"), { recursive: true, force: true });
  const applications: Application[] = [];
  for (let r = 0; r < REPOSITORIES; r++) {
    const bare = join(scratch, "remotes", `gitops-${r}.git`);
    await cp(seed, bare, { recursive: true });
    const url = pathToFileURL(bare).href;
    for (let k = 0; k < perRepository && applications.length < APPLICATIONS; k++) {
      applications.push(application(`app-${r}-${k}`, url, `apps/app-${k}`, harness.imageOf(k)));
    }
  }
  const updater = harness.updater(applications, { cacheDir: join(scratch, "cache-fleet"), dryRun: true });
  const rows: FleetGitBenchRow[] = [];
  try {
    for (const cycle of ["cold", "warm"]) {
      const label = {
        scenario: `fleet dry run, ${cycle}`,
        applications: applications.length,
        repositories: REPOSITORIES,
      };
      rows.push(await measureRow(harness, label, () => updater.runOnce()));
    }
  } finally {
    await updater.dispose();
  }
  return rows;
}

/** Dry run over one repository of `size` applications, measured warm. */
async function monorepo(harness: Harness, scratch: string, size: number): Promise<FleetGitBenchRow> {
  const bare = await createBareRepo(join(scratch, "remotes"), `mono-${size}`, gitopsFiles(size, harness.imageOf));
  const url = pathToFileURL(bare).href;
  const applications = Array.from({ length: size }, (_, i) =>
    application(`app-${i}`, url, `apps/app-${i}`, harness.imageOf(i)),
  );
  const updater = harness.updater(applications, { cacheDir: join(scratch, `cache-mono-${size}`), dryRun: true });
  try {
    await updater.runOnce();
    const label = { scenario: "monorepo dry run, warm", applications: size, repositories: 1 };
    return await measureRow(harness, label, () => updater.runOnce());
  } finally {
    await updater.dispose();
  }
}

/**
 * The write phase alone: a first cycle clones and writes, the remotes are reset to their first commit, and
 * the next cycle's write phase (from its first commit to its end) is measured, three times; the median wall.
 */
async function writePhase(
  harness: Harness,
  git: GitHttpServer,
  scratch: string,
  repositories: number,
): Promise<FleetGitBenchRow> {
  const perRepository = 10;
  const bares: { bare: string; initial: string }[] = [];
  const applications: Application[] = [];
  for (let r = 0; r < repositories; r++) {
    const name = `write-${repositories}-${r}`;
    const bare = await createBareRepo(git.root, name, gitopsFiles(perRepository, harness.imageOf));
    const initial = (await runCommand("git", [`--git-dir=${bare}`, "rev-parse", "refs/heads/main"])).stdout.trim();
    bares.push({ bare, initial });
    for (let k = 0; k < perRepository; k++) {
      applications.push(application(`app-${r}-${k}`, git.repoUrl(name), `apps/app-${k}`, harness.imageOf(k)));
    }
  }
  const resetRemotes = () =>
    Promise.all(
      bares.map(({ bare, initial }) =>
        runCommand("git", [`--git-dir=${bare}`, "update-ref", "refs/heads/main", initial]),
      ),
    );
  let writing: Promise<FleetGitBenchRow> | undefined;
  let finishWrite: (() => void) | undefined;
  const wrap = (inner: GitWriter): GitWriter => ({
    ...inner,
    commit(request, options) {
      // The first commit of a cycle opens the measured window; the cycle's end closes it.
      writing ??= measureRow(
        harness,
        { scenario: "write phase, warm", applications: applications.length, repositories },
        () => new Promise<void>((resolve) => (finishWrite = resolve)),
      );
      return inner.commit(request, options);
    },
  });
  const updater = harness.updater(applications, {
    cacheDir: join(scratch, `cache-write-${repositories}`),
    dryRun: false,
    wrap,
  });
  const rows: FleetGitBenchRow[] = [];
  try {
    await updater.runOnce();
    for (let run = 0; run < 3; run++) {
      await resetRemotes();
      writing = undefined;
      const result = await updater.runOnce();
      finishWrite?.();
      const row = await writing;
      if (row === undefined || result.errors > 0)
        throw new Error(`write phase wrote nothing (${result.errors} errors)`);
      rows.push(row);
    }
  } finally {
    await updater.dispose();
  }
  return rows.sort((a, b) => a.wallMs - b.wallMs)[1] as FleetGitBenchRow;
}

/** Runs the scenarios and prints the table. */
export async function main(): Promise<FleetGitBenchRow[]> {
  const harness = await startHarness();
  const scratch = tempDir("fleet-git");
  const git = ONLY === undefined || ONLY === "write" ? await startGitHttpServer({ auth: GIT_AUTH }) : undefined;
  const rows: FleetGitBenchRow[] = [];
  try {
    if (ONLY === undefined || ONLY === "fleet") rows.push(...(await fleet(harness, scratch)));
    if (ONLY === undefined || ONLY === "monorepo") {
      for (const size of MONOREPO_SIZES) rows.push(await monorepo(harness, scratch, size));
    }
    if (git !== undefined) for (const count of [1, 10]) rows.push(await writePhase(harness, git, scratch, count));
  } finally {
    harness.counter.stop();
    await Promise.allSettled([harness.registry.stop(), git?.stop()]);
    await removeTempDir(scratch);
  }
  console.log(`fleet-git: real engine and git-cli writer; load average ${loadAverage()}`);
  console.table(rows);
  return rows;
}
