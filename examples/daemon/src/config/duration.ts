import { parseGoDuration as parseCoreDuration } from "@image-updater/core";
/**
 * Parses a Go `time.ParseDuration` string (`2m`, `1h30m`, `90s`, `1.5h`, `500ms`, `0`) into whole milliseconds.
 * Returns `null` for anything Go would reject and for negative durations, which no flag accepts.
 */
export function parseGoDuration(text: string): number | null {
  const ms = parseCoreDuration(text);
  return ms === undefined || ms < 0 ? null : Math.round(ms);
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
