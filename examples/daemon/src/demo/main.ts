/**
 * `pnpm demo`: the seed article's flow end to end with only Node and git. `--keep` leaves the folder (the
 * bare repository, the applications, the image layout and the daemon's log) for a look.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDemo } from "./run-demo.js";

const keep = process.argv.includes("--keep");
const root = await mkdtemp(join(tmpdir(), "image-updater-demo-"));
let failed = false;
try {
  const outcome = await runDemo({ root, print: (line) => process.stdout.write(`${line}\n`) });
  failed = outcome.exitCodes.some((code) => code !== 0);
} catch (error) {
  failed = true;
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  if (keep) process.stdout.write(`\nDemo folder kept: ${root} (daemon log: ${join(root, "daemon.log")})\n`);
  else await rm(root, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
