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
