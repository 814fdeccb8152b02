import type { FlagSpec } from "./parse-flags.js";

/** One-paragraph descriptions of the commands, for `help`. */
export const COMMANDS: Readonly<Record<string, string>> = {
  run: "Runs the updater: checks every annotated Application each interval and writes new images back.",
  webhook:
    "Receives registry webhooks only (no polling): each push checks the Applications watching its image (POST /webhook?type=TYPE).",
  test: "Checks which tag an image would be updated to, with the given strategy and filters (IMAGE argument).",
  template: "Renders a commit message template (file PATH, or the default one) with sample changes.",
  version: "Prints the version.",
  help: "Prints this help, or a command's help (help COMMAND).",
};

/** Renders the help of one command's flags. */
export function flagHelp(flags: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(flags).map(([name, spec]) => {
    const left = `  --${name}${spec.type === "string" ? ` ${spec.placeholder ?? "VALUE"}` : ""}`;
    return `${left.padEnd(40)} ${spec.help}`;
  });
  return rows.join("\n");
}

/** The top-level help. */
export function mainHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(10)} ${text}`);
  return [
    "image-updater: updates container images of Argo CD Applications, a drop-in for argocd-image-updater.",
    "",
    "Usage: image-updater COMMAND [flags]",
    "",
    "Commands:",
    ...rows,
    "",
    'Run "image-updater help COMMAND" for a command\'s flags.',
    "",
  ].join("\n");
}
