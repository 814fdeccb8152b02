const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(?<value>\d+(?:\.\d*)?|\.\d+)(?<unit>ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a Go `time.ParseDuration` string (`2m`, `1h30m`, `90s`, `1.5h`, `500ms`, `0`) into milliseconds.
 * Returns `null` for anything Go would reject (a number without a unit, a negative duration).
 */
export function parseGoDuration(text: string): number | null {
  const input = text.trim();
  if (input === "0" || input === "+0") return 0;
  if (input === "" || input.startsWith("-")) return null;
  let rest = input.startsWith("+") ? input.slice(1) : input;
  let total = 0;
  while (rest.length > 0) {
    PART.lastIndex = 0;
    const match = PART.exec(rest);
    if (!match?.groups) return null;
    const value = Number(match.groups.value);
    const unit = UNIT_MS[match.groups.unit ?? ""];
    if (unit === undefined || Number.isNaN(value)) return null;
    total += value * unit;
    rest = rest.slice(match[0].length);
  }
  return Math.round(total);
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
