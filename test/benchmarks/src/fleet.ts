/**
 * Fleet scale: one dry-run cycle of the real engine over 10 000 Applications watching 1 000 image repositories
 * (100 tags each, ten with 2 000), semver, against the scripted registry over HTTP. Prints requests by class,
 * CPU, peak RSS and wall for a cold and a warm cycle. `FLEET_APPLICATIONS` / `FLEET_REPOSITORIES` shrink it.
 */
import { type ImageSpec, startScriptedRegistry } from "@image-updater/bench";
import {
  type Application,
  createUpdater,
  parseRegistriesConf,
  type RegistryHttpRequest,
  withRegistryPolicies,
} from "@image-updater/core";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { measureCost } from "./cost.js";

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

function tags(count: number): ImageSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    tags: [`${Math.floor(i / 100)}.${i % 100}.0`],
    created: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  }));
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
  const repositories = Array.from({ length: REPOSITORIES }, (_, i) => `fleet/image-${i}`);
  const registry = await startScriptedRegistry({
    repositories: Object.fromEntries(repositories.map((name, i) => [name, tags(i < 10 ? 2_000 : 100)])),
  });
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
  console.log("fleet: one dry-run cycle of the engine (CPU and RSS of this process, registry included)");
  console.table(rows);
  return rows;
}
