/**
 * The updater side of the `fleet` bench, run as a child process that loads only core and the OCI client:
 * builds the Applications, runs a cold and a warm dry-run cycle against the fleet registry, and answers the
 * rows over IPC. CPU and RSS are this process's. It runs compiled, under plain Node, against the packages'
 * built `dist/` (`pnpm run build`), as a deployed daemon does.
 */
import {
  type Application,
  createUpdater,
  parseRegistriesConf,
  type RegistryHttpRequest,
  withRegistryPolicies,
} from "@image-updater/core";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { benchScriptArgument, forkBenchScript } from "./bench-child.js";
import { measureCost } from "./cost.js";

const PREFIX = "argocd-image-updater.argoproj.io";

/** What the updater process is told. */
export interface FleetUpdaterTask {
  readonly registryUrl: string;
  readonly registryHost: string;
  readonly repositories: readonly string[];
  readonly applications: number;
}

/** One cycle's figures. */
export interface FleetBenchRow {
  readonly cycle: "cold" | "warm";
  readonly applications: number;
  readonly repositories: number;
  readonly tagPages: number;
  readonly manifests: number;
  readonly blobs: number;
  readonly gitProcesses: number;
  readonly cpuMs: number;
  /** RSS when the cycle starts: Node, the loaded packages, the Applications. */
  readonly startRssMiB: number;
  readonly peakRssMiB: number;
  readonly wallMs: number;
}

function application(name: string, image: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: { [`${PREFIX}/image-list`]: `app=${image}`, [`${PREFIX}/app.update-strategy`]: "semver" },
    spec: { source: { repoURL: "https://git.example/fleet.git", path: name, kustomize: {} } },
    status: { summary: { images: [`${image}:0.0.0`] } },
  };
}

/**
 * Runs the cold and the warm cycle in a fresh updater process; resolves with its rows. `FLEET_UPDATER_FLAGS`
 * adds Node flags to that process (`--cpu-prof --cpu-prof-dir=<dir>` profiles the cycles alone).
 */
export async function runFleetUpdater(task: FleetUpdaterTask): Promise<FleetBenchRow[]> {
  const flags = (process.env.FLEET_UPDATER_FLAGS ?? "").split(" ").filter((flag) => flag !== "");
  // Loaded here only: the compiler (tens of MiB) must not be in the measured process.
  const { compileBenchScript } = await import("./compiled-script.js");
  const script = compileBenchScript(import.meta.url);
  const { first, exited } = await forkBenchScript<FleetBenchRow[]>(script, task, flags, { compiled: true });
  await exited;
  return first;
}

async function cycles(task: FleetUpdaterTask): Promise<FleetBenchRow[]> {
  const { endpoints } = parseRegistriesConf(
    `registries:\n- name: fleet\n  prefix: ${task.registryHost}\n  api_url: ${task.registryUrl}\n  insecure: yes\n`,
  );
  const applications = Array.from({ length: task.applications }, (_, i) =>
    application(`app-${i}`, `${task.registryHost}/${task.repositories[i % task.repositories.length]}`),
  );
  const requests: RegistryHttpRequest[] = [];
  const updater = createUpdater({
    source: { id: "fleet", list: async () => applications },
    endpoints,
    registry: withRegistryPolicies(createOciRegistryClient({ endpoints, onRequest: (e) => requests.push(e) })),
    dryRun: true,
  });
  const rows: FleetBenchRow[] = [];
  try {
    for (const cycle of ["cold", "warm"] as const) {
      requests.length = 0;
      const startRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
      const { cost } = await measureCost(() => updater.runOnce());
      const kind = (k: RegistryHttpRequest["kind"]) => requests.filter((r) => r.kind === k).length;
      rows.push({
        cycle,
        applications: task.applications,
        repositories: task.repositories.length,
        tagPages: kind("tags"),
        manifests: kind("manifest"),
        blobs: kind("blob"),
        // Argo CD write-back and a dry run: no git process is started.
        gitProcesses: 0,
        cpuMs: cost.cpuMs,
        startRssMiB,
        peakRssMiB: cost.peakRssMiB,
        wallMs: cost.wallMs,
      });
    }
  } finally {
    await updater.dispose();
  }
  return rows;
}

const task = benchScriptArgument<FleetUpdaterTask>(import.meta.url);
if (task !== undefined) {
  const rows = await cycles(task);
  process.send?.(rows, () => process.disconnect());
}
