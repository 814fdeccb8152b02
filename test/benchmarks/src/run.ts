/** `pnpm bench [name...]`: runs every benchmark in turn, or only the named ones. Add a line per benchmark. */
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

const only = process.argv.slice(2);
const unknown = only.filter((name) => !BENCHMARKS.some(([known]) => known === name));
if (unknown.length > 0) {
  throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map(([name]) => name).join(", ")}`);
}
for (const [name, run] of BENCHMARKS.filter(([known]) => only.length === 0 || only.includes(known))) {
  console.log(`\n## ${name}`);
  await run();
}
