/** `pnpm bench`: runs every benchmark in turn. Add a line per benchmark. */
import { main as engine } from "./engine.js";
import { main as fleet } from "./fleet.js";
import { main as fleetGit } from "./fleet-git.js";
import { main as git } from "./git.js";
import { main as registry } from "./registry.js";
import { main as webhook } from "./webhook.js";

const BENCHMARKS: readonly [string, () => Promise<unknown>][] = [
  ["registry", registry],
  ["git", git],
  ["engine", engine],
  ["webhook", webhook],
  ["fleet", fleet],
  ["fleet-git", fleetGit],
];

for (const [name, run] of BENCHMARKS) {
  console.log(`\n## ${name}`);
  await run();
}
