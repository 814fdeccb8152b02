/** Shell completion scripts (`image-updater completion bash|zsh|fish`), generated from the command table. */
import type { CommandSpec } from "./usage.js";

/** Shells `completion` writes a script for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

function flagWords(command: CommandSpec): string[] {
  return Object.keys(command.flags)
    .sort()
    .map((name) => `--${name}`)
    .concat("--help");
}

/** Single-quoted for sh-like shells. */
function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function bash(commands: Readonly<Record<string, CommandSpec>>): string {
  const cases = Object.entries(commands)
    .map(([name, command]) => `    ${name}) words=${quote(flagWords(command).join(" "))} ;;`)
    .join("\n");
  return `# bash completion for image-updater; load with: source <(image-updater completion bash)
_image_updater() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote(Object.keys(commands).join(" "))} -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) words="" ;;
  esac
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -F _image_updater image-updater
`;
}

function zsh(commands: Readonly<Record<string, CommandSpec>>): string {
  const described = Object.entries(commands)
    .map(([name, command]) => quote(`${name}:${command.summary.replaceAll(":", "\\:")}`))
    .join(" ");
  const cases = Object.entries(commands)
    .map(([name, command]) => {
      const specs = Object.entries(command.flags)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([flag, spec]) => {
          const help = spec.help.replaceAll("[", "\\[").replaceAll("]", "\\]").replaceAll(":", "\\:");
          const value = spec.type === "string" ? `:${(spec.placeholder ?? "value").toLowerCase()}:_files` : "";
          return quote(`--${flag}[${help}]${value}`);
        });
      return `    ${name}) _arguments ${[...specs, quote("--help[show this command's help]")].join(" ")} '*:file:_files' ;;`;
    })
    .join("\n");
  return `#compdef image-updater
# zsh completion for image-updater; load with: source <(image-updater completion zsh)
_image_updater() {
  if (( CURRENT == 2 )); then
    local -a commands=(${described})
    _describe command commands
    return
  fi
  shift words; (( CURRENT-- ))
  case "$words[1]" in
${cases}
  esac
}
compdef _image_updater image-updater
`;
}

function fish(commands: Readonly<Record<string, CommandSpec>>): string {
  const lines = ["# fish completion for image-updater; load with: image-updater completion fish | source"];
  lines.push("complete -c image-updater -f");
  const names = Object.keys(commands).join(" ");
  for (const [name, command] of Object.entries(commands)) {
    lines.push(
      `complete -c image-updater -n "not __fish_seen_subcommand_from ${names}" -a ${name} -d ${quote(command.summary)}`,
    );
    for (const [flag, spec] of Object.entries(command.flags).sort(([a], [b]) => a.localeCompare(b))) {
      const value = spec.type === "string" ? " -r" : "";
      lines.push(
        `complete -c image-updater -n "__fish_seen_subcommand_from ${name}" -l ${flag}${value} -d ${quote(spec.help)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The completion script of `shell` for `commands`. */
export function completionScript(shell: CompletionShell, commands: Readonly<Record<string, CommandSpec>>): string {
  if (shell === "bash") return bash(commands);
  if (shell === "zsh") return zsh(commands);
  return fish(commands);
}
