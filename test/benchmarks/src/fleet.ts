/**
 * Fleet scale: one dry-run cycle of the real engine over 10 000 Applications watching 1 000 image repositories
 * (100 tags each, ten with 2 000), semver, Argo CD write-back. The scripted registry and the updater each run
 * in their own process, so the printed CPU and RSS are the updater's alone (`fleet-updater.ts`). Prints
 * requests by class, CPU, RSS and wall for a cold and a warm cycle. `FLEET_APPLICATIONS` /
 * `FLEET_REPOSITORIES` shrink it.
 */
import { startFleetRegistry } from "./fleet-registry.js";
import { type FleetBenchRow, runFleetUpdater } from "./fleet-updater.js";

export type { FleetBenchRow } from "./fleet-updater.js";

const APPLICATIONS = Number(process.env.FLEET_APPLICATIONS ?? 10_000);
const REPOSITORIES = Number(process.env.FLEET_REPOSITORIES ?? 1_000);

/** Runs the cold and the warm cycle and prints the table. */
export async function main(): Promise<FleetBenchRow[]> {
  const registry = await startFleetRegistry({
    repositories: REPOSITORIES,
    longRepositories: 10,
    longTags: 2_000,
    tags: 100,
  });
  let rows: FleetBenchRow[];
  try {
    rows = await runFleetUpdater({
      registryUrl: registry.url,
      registryHost: registry.host,
      repositories: registry.repositories,
      applications: APPLICATIONS,
    });
  } finally {
    await registry.stop();
  }
  console.log("fleet: one dry-run cycle of the engine (CPU and RSS of the updater process alone)");
  console.table(rows);
  return rows;
}
