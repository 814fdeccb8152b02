/**
 * One family of trials and how its figures are counted. A trial returns the texts it produced (errors, log
 * lines, files) and whether its result was right; the runner adds the deadline, the crash check, the
 * secret-leak scan and the memory and /healthz watch.
 */
import { ImageUpdaterError } from "@image-updater/core";

/** Planted in every credential the suite hands out; no output may ever contain them. */
export const PLANTED_SECRETS = [
  "s3cret-Planted-Registry-Pass",
  "ghp_PlantedPullRequestToken0001",
  "planted-git-password-77",
];

/** What a trial reports when it ends on its own. */
export interface TrialResult {
  /** False when the outcome was wrong: a commit or tag lost, a decision made on partial data. */
  readonly correct: boolean;
  /** Every text the trial saw leave the product: error messages and causes, log lines, written files. */
  readonly outputs: readonly string[];
}

/** One attack. */
export interface Trial {
  readonly name: string;
  /** Longer than this is "hung". */
  readonly deadlineMs: number;
  run(): Promise<TrialResult>;
}

/** The figures of one family. */
export interface FamilyFigures {
  readonly family: string;
  tried: number;
  survived: number;
  lost: number;
  leaked: number;
  crashed: number;
  hung: number;
  peakRssMiB: number;
  /** Longest /healthz answer while the family ran. */
  healthzMaxMs: number;
  /** The trial running when that answer was due. */
  healthzMaxDuring: string;
  /** The trial that took longest, and how long. */
  slowest: { name: string; ms: number };
  readonly failures: string[];
}

/** Every text of an error: message, code and the chain of causes. */
export function errorTexts(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      texts.push(current.message, String(current.stack ?? ""));
      for (const key of Object.getOwnPropertyNames(current)) {
        const value = (current as unknown as Record<string, unknown>)[key];
        if (typeof value === "string") texts.push(value);
      }
      current = current.cause;
    } else {
      texts.push(String(current));
      break;
    }
  }
  return texts;
}

/** True for the failures the product means to raise: typed errors with a stable code. */
export function isTypedFailure(error: unknown): error is ImageUpdaterError {
  return error instanceof ImageUpdaterError;
}

/** Samples the process RSS while a family runs. */
export function watchRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage.rss()) / (1024 * 1024));
    },
  };
}

/**
 * Probes `url` every 100 ms; `stop()` gives the longest answer (a probe still waiting counts too) and what
 * `running()` named when that probe was due.
 */
export function watchHealthz(
  url: string,
  running: () => string = () => "",
): { stop(): Promise<{ ms: number; during: string }> } {
  let longest = 0;
  let during = "";
  let stopped = false;
  const probe = async (): Promise<void> => {
    // Latency counts from when the probe was due, so a blocked event loop before the request counts too.
    let due = performance.now();
    while (!stopped) {
      const dueDuring = running();
      await fetch(url, { signal: AbortSignal.timeout(10_000) }).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
      const took = performance.now() - due;
      if (took > longest) {
        longest = took;
        during = dueDuring;
      }
      due = performance.now() + 100;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const probing = probe();
  return {
    async stop() {
      stopped = true;
      await probing;
      return { ms: Math.round(longest), during };
    },
  };
}

/** Runs `trials` one after another and counts. */
export async function runFamily(family: string, trials: readonly Trial[], healthzUrl: string): Promise<FamilyFigures> {
  const figures: FamilyFigures = {
    family,
    tried: 0,
    survived: 0,
    lost: 0,
    leaked: 0,
    crashed: 0,
    hung: 0,
    peakRssMiB: 0,
    healthzMaxMs: 0,
    healthzMaxDuring: "",
    slowest: { name: "", ms: 0 },
    failures: [],
  };
  const rss = watchRss();
  let current = "";
  const healthz = watchHealthz(healthzUrl, () => current);
  for (const trial of trials) {
    // A daemon does I/O between applications; without this turn, back-to-back synchronous trials would starve
    // the /healthz probe for their sum and hide which one blocked.
    await new Promise((resolve) => setImmediate(resolve));
    figures.tried++;
    current = trial.name;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"hung">((resolve) => {
      timer = setTimeout(() => resolve("hung"), trial.deadlineMs);
    });
    const outcome = await Promise.race([
      trial.run().then(
        (result) => ({ kind: "ended" as const, result }),
        (error: unknown) => ({ kind: "threw" as const, error }),
      ),
      deadline,
    ]);
    clearTimeout(timer);
    const ms = Math.round(performance.now() - started);
    if (ms > figures.slowest.ms) figures.slowest = { name: trial.name, ms };
    if (outcome === "hung") {
      figures.hung++;
      figures.failures.push(`${trial.name}: still running after ${trial.deadlineMs} ms`);
      continue;
    }
    if (outcome.kind === "threw") {
      figures.crashed++;
      figures.failures.push(`${trial.name}: threw ${errorTexts(outcome.error)[0] ?? "?"}`);
      continue;
    }
    const leak = PLANTED_SECRETS.find((secret) => outcome.result.outputs.some((text) => text.includes(secret)));
    if (leak !== undefined) {
      figures.leaked++;
      figures.failures.push(`${trial.name}: an output holds a planted secret`);
    } else if (!outcome.result.correct) {
      figures.lost++;
      figures.failures.push(`${trial.name}: wrong outcome`);
    } else {
      figures.survived++;
    }
  }
  figures.peakRssMiB = rss.stop();
  current = "";
  const longest = await healthz.stop();
  figures.healthzMaxMs = longest.ms;
  figures.healthzMaxDuring = longest.during;
  return figures;
}

/** `registry  tried=30 survived=30 lost=0 leaked=0 crashed=0 hung=0 peak RSS=212 MiB /healthz max=40 ms` */
export function formatFigures(figures: FamilyFigures): string {
  return [
    figures.family.padEnd(12),
    `tried=${figures.tried}`,
    `survived=${figures.survived}`,
    `lost=${figures.lost}`,
    `leaked=${figures.leaked}`,
    `crashed=${figures.crashed}`,
    `hung=${figures.hung}`,
    `peak RSS=${figures.peakRssMiB} MiB`,
    `/healthz max=${figures.healthzMaxMs} ms${figures.healthzMaxDuring === "" ? "" : ` (${figures.healthzMaxDuring})`}`,
    `slowest=${figures.slowest.ms} ms (${figures.slowest.name})`,
  ].join("  ");
}

/**
 * The trial result of a call that must fail with a typed error (one of `codes` when given). An untyped
 * error is rethrown, so the runner counts it as a crash.
 */
export async function expectTypedFailure(call: Promise<unknown>, codes?: readonly string[]): Promise<TrialResult> {
  try {
    const value = await call;
    return { correct: false, outputs: [JSON.stringify(value ?? null).slice(0, 10_000)] };
  } catch (error) {
    if (!isTypedFailure(error)) throw error;
    return { correct: codes === undefined || codes.includes(error.code), outputs: errorTexts(error) };
  }
}
