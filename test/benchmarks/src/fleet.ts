/**
 * Fleet scale: one dry-run cycle of the real engine over 10 000 Applications watching 1 000 image repositories
 * (100 tags each, ten with 2 000), semver, against the scripted registry over HTTP in its own process. Prints
 * requests by class and this (the updater's) process's CPU, peak RSS and wall for a cold and a warm cycle.
 * `FLEET_APPLICATIONS` / `FLEET_REPOSITORIES` shrink it.
 */
import {
  type Application,
  createUpdater,
  parseRegistriesConf,
  type RegistryHttpRequest,
  withRegistryPolicies,
} from "@image-updater/core";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { measureCost } from "./cost.js";
import { startFleetRegistry } from "./fleet-registry.js";

const PREFIX = "argocd-image-updater.argoproj.io";
const APPLICATIONS = Number(process.env.FLEET_APPLICATIONS ?? 10_000);
const REPOSITORIES = Number(process.env.FLEET_REPOSITORIES ?? 1_000);

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

/** Runs the cold and the warm cycle and prints the table. */
export async function main(): Promise<FleetBenchRow[]> {
  const registry = await startFleetRegistry({
    repositories: REPOSITORIES,
    longRepositories: 10,
    longTags: 2_000,
    tags: 100,
  });
  const { repositories } = registry;
  const rows: FleetBenchRow[] = [];
  try {
    const { endpoints } = parseRegistriesConf(
      `registries:\n- name: fleet\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
    );
    const applications = Array.from({ length: APPLICATIONS }, (_, i) =>
      application(`app-${i}`, `${registry.host}/${repositories[i % REPOSITORIES]}`),
    );
    const requests: RegistryHttpRequest[] = [];
    const updater = createUpdater({
      source: { id: "fleet", list: async () => applications },
      endpoints,
      registry: withRegistryPolicies(createOciRegistryClient({ endpoints, onRequest: (e) => requests.push(e) })),
      dryRun: true,
    });
    try {
      for (const cycle of ["cold", "warm"] as const) {
        requests.length = 0;
        const { cost } = await measureCost(() => updater.runOnce());
        const kind = (k: RegistryHttpRequest["kind"]) => requests.filter((r) => r.kind === k).length;
        rows.push({
          cycle,
          applications: APPLICATIONS,
          repositories: REPOSITORIES,
          tagPages: kind("tags"),
          manifests: kind("manifest"),
          blobs: kind("blob"),
          // Argo CD write-back and a dry run: no git process is started.
          gitProcesses: 0,
          ...cost,
        });
      }
    } finally {
      await updater.dispose();
    }
  } finally {
    await registry.stop();
  }
  console.log("fleet: one dry-run cycle of the engine (CPU and RSS of the updater process; the registry runs apart)");
  console.table(rows);
  return rows;
}
