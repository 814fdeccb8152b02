import { redactUrlUserinfo } from "@image-updater/core";
import { LOG_LEVELS, type LogFormat, type LogLevel } from "../config/run-options.js";

/** Structured fields of a log line. Values are rendered with `String()`; `undefined` fields are dropped. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A leveled logger writing logrus-style text or JSON lines. */
export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, message: string, fields?: LogFields): void;
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** @default "info" */
  readonly level?: LogLevel;
  /** `text`: `time="…" level=info msg="…" key=value` as logrus prints it; `json`: one object per line. @default "text" */
  readonly format?: LogFormat;
  /** Receives each complete line, newline included. */
  readonly write: (line: string) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Field names whose values are never printed, whatever an event carries. */
const SECRET_FIELD = /pass(word)?|token|secret|private.?key|authorization|credential/i;
/** Characters logrus leaves unquoted. */
const PLAIN = /^[A-Za-z0-9_./@^+-]*$/;

/** Removes userinfo from URLs inside `text`. */
export function redactUrls(text: string): string {
  return redactUrlUserinfo(text);
}

/** Creates a {@link Logger}. Lines below `level` are dropped before any formatting. */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? "info";
  const threshold = LOG_LEVELS.indexOf(level);
  const format = options.format ?? "text";
  const now = options.now ?? (() => new Date());

  function enabled(candidate: LogLevel): boolean {
    return LOG_LEVELS.indexOf(candidate) >= threshold;
  }

  function log(lineLevel: LogLevel, message: string, fields: LogFields = {}): void {
    if (!enabled(lineLevel)) return;
    const time = now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
    const safe: [string, string | number | boolean | null][] = [];
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      // A true/false names a setting, never holds a secret (`require_secret=true`).
      const hidden = SECRET_FIELD.test(key) && typeof value !== "boolean";
      safe.push([key, hidden ? "[redacted]" : typeof value === "string" ? redactUrls(value) : value]);
    }
    const msg = redactUrls(message);
    if (format === "json") {
      options.write(`${JSON.stringify({ time, level: lineLevel, msg, ...Object.fromEntries(safe) })}\n`);
      return;
    }
    const parts = [`time=${quote(time)}`, `level=${lineLevel}`, `msg=${quote(msg)}`];
    for (const [key, value] of safe) parts.push(`${key}=${quote(value === null ? "" : String(value))}`);
    options.write(`${parts.join(" ")}\n`);
  }

  return {
    level,
    enabled,
    log,
    trace: (message, fields) => log("trace", message, fields),
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
  };
}

/** logrus quotes a value only when it holds other characters than {@link PLAIN} (so `time` always). */
function quote(value: string): string {
  return PLAIN.test(value) ? value : JSON.stringify(value);
}
