/** `pnpm bench`: runs every benchmark in turn. Add a line per benchmark. */
import { main as git } from "./git.js";

const BENCHMARKS: readonly [string, () => Promise<unknown>][] = [["git", git]];

for (const [name, run] of BENCHMARKS) {
  console.log(`\n## ${name}`);
  await run();
}
