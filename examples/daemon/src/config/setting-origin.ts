import type { FlagSpec, ParsedFlags } from "../cli/parse-flags.js";

/** A setting's value and where it came from, for messages ("--interval", "environment variable …"). */
export interface SettingOrigin {
  readonly value: string;
  readonly where: string;
}

/** Where settings are read from, highest precedence first: flags, environment, the config folder. */
export interface SettingSources {
  readonly flags: ParsedFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Keys of the config folder (see `readConfigDir`), empty when none. */
  readonly configDir: Readonly<Record<string, string>>;
  readonly configDirPath: string | null;
}

/** How the config folder's key `key` is named in messages. */
export function configKeyWhere(key: string, configDirPath: string | null): string {
  return `key ${key} of the config folder ${configDirPath ?? ""}`.trim();
}

/**
 * The value of flag `name`: the flag itself, else its environment variable (empty counts as unset, as in
 * argocd-image-updater), else its first ConfigMap key present (trimmed: mounted files end with a newline).
 */
export function settingOrigin(name: string, spec: FlagSpec | undefined, sources: SettingSources): SettingOrigin | null {
  const fromFlag = sources.flags.values[name];
  if (typeof fromFlag === "string") return { value: fromFlag, where: `--${name}` };
  if (typeof fromFlag === "boolean") return { value: String(fromFlag), where: `--${name}` };
  if (Array.isArray(fromFlag) && fromFlag.length > 0) return { value: fromFlag.join(","), where: `--${name}` };
  if (spec?.env !== undefined) {
    const fromEnv = sources.env[spec.env];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, where: `environment variable ${spec.env}` };
  }
  for (const key of spec?.configKeys ?? []) {
    const fromConfig = sources.configDir[key];
    if (fromConfig !== undefined)
      return { value: fromConfig.trim(), where: configKeyWhere(key, sources.configDirPath) };
  }
  return null;
}
