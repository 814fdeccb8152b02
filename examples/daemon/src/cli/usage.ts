import type { FlagSpec } from "./parse-flags.js";

/** One command of the CLI: what it does, its arguments, its flags. */
export interface CommandSpec {
  readonly summary: string;
  /** Positional arguments as shown in the usage line (` IMAGE`, ` [PATH]`), empty when none. */
  readonly args: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
}

/** Renders the help of one command's flags: the ones it acts on, then the ones accepted for compatibility. */
export function flagHelp(flags: Readonly<Record<string, FlagSpec>>): string {
  const row = ([name, spec]: [string, FlagSpec]) => {
    const left = `  --${name}${spec.type === "string" ? ` ${spec.placeholder ?? "VALUE"}` : ""}`;
    const env = spec.env ? ` [${spec.env}]` : "";
    return `${left.padEnd(40)} ${spec.help}${env}`;
  };
  const entries = Object.entries(flags).sort(([a], [b]) => a.localeCompare(b));
  const active = entries.filter(([, spec]) => spec.noEffect === undefined).map(row);
  const inert = entries.filter(([, spec]) => spec.noEffect !== undefined).map(row);
  return [
    "Flags:",
    ...active,
    ...(inert.length > 0
      ? ["", "Accepted for compatibility with argocd-image-updater, no effect here:", ...inert]
      : []),
  ].join("\n");
}

/** The help of `name`. */
export function commandHelp(name: string, command: CommandSpec): string {
  const hasFlags = Object.keys(command.flags).length > 0;
  return [
    command.summary,
    "",
    `Usage: image-updater ${name}${command.args}${hasFlags ? " [flags]" : ""}`,
    ...(hasFlags ? ["", flagHelp(command.flags)] : []),
    "",
  ].join("\n");
}

/** The top-level help. */
export function mainHelp(commands: Readonly<Record<string, CommandSpec>>): string {
  const rows = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return [
    "image-updater: updates container images of Argo CD Applications, a drop-in for argocd-image-updater.",
    "",
    "Usage: image-updater COMMAND [flags]",
    "",
    "Commands:",
    ...rows,
    "",
    'Run "image-updater COMMAND --help" (or "image-updater help COMMAND") for a command\'s flags.',
    "",
  ].join("\n");
}
