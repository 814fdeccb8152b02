/**
 * `pnpm test:reliability`: every family of attacks, one line of figures each. Exits non-zero when any
 * trial was lost, leaked, crashed or hung, when RSS went over 400 MiB, or when /healthz took over 1 s.
 * `IMAGE_UPDATER_KILL_ROUNDS` sets the kill -9 rounds (default 20); `IMAGE_UPDATER_FUZZ_RUNS` the random
 * annotation sets (default 1000).
 */
import { cleanupBench } from "@image-updater/bench";
import { startHttpServer } from "@image-updater/example-daemon";
import { type FamilyFigures, formatFigures, runFamily } from "./family.js";
import { annotationTrials, fileTrials } from "./fuzz.js";
import { gitTrials } from "./git-faults.js";
import { floodTrials } from "./http-floods.js";
import { registryTrials } from "./registry-faults.js";

const RSS_LIMIT_MIB = 400;
const HEALTHZ_LIMIT_MS = 1_000;
const killRounds = Number(process.env.IMAGE_UPDATER_KILL_ROUNDS ?? "20");
const fuzzRuns = Number(process.env.IMAGE_UPDATER_FUZZ_RUNS ?? "1000");
const only = process.argv.slice(2);

const health = await startHttpServer({
  port: 0,
  host: "127.0.0.1",
  routes: { "/healthz": () => ({ status: 200, contentType: "text/plain; charset=utf-8", body: "OK" }) },
});
const healthzUrl = `http://127.0.0.1:${health.port}/healthz`;
const results: FamilyFigures[] = [];

async function family(
  name: string,
  load: () => Promise<{ trials: Parameters<typeof runFamily>[1]; stop?: () => Promise<void> }>,
) {
  if (only.length > 0 && !only.includes(name)) return;
  const { trials, stop } = await load();
  try {
    const figures = await runFamily(name, trials, healthzUrl);
    results.push(figures);
    console.log(formatFigures(figures));
    for (const failure of figures.failures) console.log(`  ${failure}`);
  } finally {
    await stop?.();
  }
}

try {
  await family("registry", registryTrials);
  await family("git", () => gitTrials({ killRounds }));
  await family("annotations", async () => ({ trials: annotationTrials(fuzzRuns) }));
  await family("files", async () => ({ trials: fileTrials() }));
  await family("http", async () => ({ trials: floodTrials(health.port) }));
} finally {
  await health.close();
  await cleanupBench();
}

/** What a family broke, in words; empty when it kept every bound. */
function breaches(f: FamilyFigures): string[] {
  const found: string[] = [];
  const counts = { lost: f.lost, leaked: f.leaked, crashed: f.crashed, hung: f.hung };
  for (const [what, count] of Object.entries(counts)) if (count > 0) found.push(`${count} ${what}`);
  if (f.peakRssMiB > RSS_LIMIT_MIB) found.push(`peak RSS ${f.peakRssMiB} MiB over ${RSS_LIMIT_MIB} MiB`);
  if (f.healthzMaxMs > HEALTHZ_LIMIT_MS) {
    found.push(
      `/healthz took ${f.healthzMaxMs} ms, over ${HEALTHZ_LIMIT_MS} ms (${f.healthzMaxDuring || "between trials"})`,
    );
  }
  return found;
}

const bad = results.filter((f) => breaches(f).length > 0);
if (bad.length > 0) {
  for (const f of bad) console.log(`FAILED: ${f.family}: ${breaches(f).join("; ")}`);
  process.exitCode = 1;
}
