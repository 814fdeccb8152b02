/** Go `time.Duration` text (`10h`, `1h30m`, `500ms`, `1.5h`), as `registries.conf` writes `credsexpire`. */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Milliseconds of a Go duration: a sequence of decimal numbers with units `ns`, `us`/`µs`, `ms`, `s`, `m`,
 * `h`, optionally signed; `0` alone is allowed. `undefined` when the text is not a duration. Fractions of a
 * millisecond are rounded.
 */
export function parseGoDuration(text: string): number | undefined {
  const written = String(text).trim();
  if (written === "0" || written === "+0" || written === "-0") return 0;
  const match = /^([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(written);
  if (!match) return undefined;
  let total = 0;
  for (const part of match[2]!.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
  }
  const ms = Math.round(total);
  return match[1] === "-" ? -ms : ms;
}

/** Renders milliseconds the way Go prints a `time.Duration` for whole seconds and up (`2m0s`, `1h30m0s`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  const s = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, "")}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}
