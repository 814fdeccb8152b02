import { parseArgs } from "node:util";

/** One flag of a command, with the other names argocd-image-updater gives the same setting. */
export interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** Value placeholder and one-line help, for `help`. */
  readonly help: string;
  readonly placeholder?: string;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  /** Keys of the mounted `argocd-image-updater-config` ConfigMap read when flag and variable are absent. */
  readonly configKeys?: readonly string[];
  /**
   * Set when the setting is accepted for compatibility but changes nothing here: why, in a few words. Using
   * it logs one warning. A command that gives the setting a meaning drops this field.
   */
  readonly noEffect?: string;
}

/** Parsed flags: strings (arrays for `multiple`), booleans; absent flags are absent. */
export interface ParsedFlags {
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

const TRUE = new Set(["true", "1", "t", "yes", "on"]);
const FALSE = new Set(["false", "0", "f", "no", "off"]);

/** Parses a boolean the way Go's strconv.ParseBool does (plus yes/no/on/off); `null` when it is none. */
export function parseBoolean(text: string): boolean | null {
  const lower = text.trim().toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return null;
}

/**
 * `node:util` parseArgs plus what users of the Go CLI type: `--flag=true` / `--flag=false` for booleans.
 * Never throws: an unknown flag or a missing value comes back as an error sentence naming the flag.
 */
export function parseFlags(
  args: readonly string[],
  spec: Readonly<Record<string, FlagSpec>>,
): { flags: ParsedFlags } | { error: string } {
  const explicit: Record<string, boolean> = {};
  const rest: string[] = [];
  for (const [i, arg] of args.entries()) {
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const match = /^--(?<name>[^=]+)=(?<value>.*)$/s.exec(arg);
    const name = match?.groups?.name;
    if (name !== undefined && spec[name]?.type === "boolean") {
      const value = parseBoolean(match?.groups?.value ?? "");
      if (value === null)
        return { error: `invalid value "${match?.groups?.value}" for --${name}: write true or false` };
      explicit[name] = value;
      continue;
    }
    rest.push(arg);
  }
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {};
  for (const [name, flag] of Object.entries(spec)) {
    options[name] = {
      type: flag.type,
      ...(flag.multiple ? { multiple: true } : {}),
      ...(flag.short ? { short: flag.short } : {}),
    };
  }
  try {
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    const values = { ...parsed.values } as Record<string, string | boolean | readonly string[] | undefined>;
    for (const [name, value] of Object.entries(explicit)) values[name] = value;
    return { flags: { values, positionals: parsed.positionals } };
  } catch (error) {
    return { error: describeParseError(error) };
  }
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  const flag = /'(?<flag>-{1,2}[^' ]+)/.exec(message)?.groups?.flag ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown flag ${flag}; run "image-updater help" for the list`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("does not take an argument")) return `${flag} takes no value; write ${flag} or ${flag}=false`;
    return `${flag} needs a value; write ${flag}=VALUE (or ${flag} VALUE)`;
  }
  return message.split("\n")[0] ?? message;
}
