/**
 * `BENCH_CPU_PROFILE=<dir>`: writes a V8 CPU profile of one measured step, so a profile shows the cycle alone
 * and not the fixture around it (what `node --cpu-prof` of the whole run would mix in).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

/** Runs `step`, profiled into `<BENCH_CPU_PROFILE>/<name>.cpuprofile` when that variable is set. */
export async function profiled<T>(name: string, step: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return step();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await step();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name.replace(/[^a-zA-Z0-9-]+/g, "-")}.cpuprofile`), JSON.stringify(profile));
  }
}
