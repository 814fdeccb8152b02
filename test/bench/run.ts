/** `pnpm bench`: runs every benchmark in turn. Add a line per benchmark. */
import { main as registry } from "./registry.js";

const BENCHMARKS: readonly [string, () => Promise<void>][] = [["registry", registry]];

for (const [name, run] of BENCHMARKS) {
  console.log(`\n## ${name}`);
  await run();
}
