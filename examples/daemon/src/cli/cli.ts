import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { WebhookSecrets } from "@image-updater/webhooks";
import { type RunDependencies, runDaemon } from "../commands/run.js";
import { renderSampleTemplate } from "../commands/template.js";
import { readConfigDir } from "../config/config-dir.js";
import { RUN_FLAGS, resolveRunOptions } from "../config/run-options.js";
import { createLogger } from "../logging/logger.js";
import { daemonVersion } from "../version.js";
import { runWebhookCommand, WEBHOOK_COMMAND_EXCLUDED_FLAGS } from "../webhook/webhook-command.js";
import { createDaemonUpdater, type DaemonConfig, type DaemonUpdater } from "../wiring.js";
import { type ApplicationOutcomes, trackApplicationOutcomes } from "./application-outcomes.js";
import { COMPLETION_SHELLS, type CompletionShell, completionScript } from "./completion.js";
import { type CliIo, EXIT } from "./io.js";
import { type FlagSpec, parseFlags } from "./parse-flags.js";
import { TEST_FLAGS, testCommand } from "./test-command.js";
import { type CommandSpec, commandHelp, mainHelp } from "./usage.js";

export { TEST_FLAGS } from "./test-command.js";

export const TEMPLATE_FLAGS: Readonly<Record<string, FlagSpec>> = {};

/** `webhook` takes `run`'s flags, less those about polling. */
export const WEBHOOK_FLAGS: Readonly<Record<string, FlagSpec>> = Object.fromEntries(
  Object.entries(RUN_FLAGS).filter(([name]) => !WEBHOOK_COMMAND_EXCLUDED_FLAGS.includes(name)),
);

const VERSION_FLAGS: Readonly<Record<string, FlagSpec>> = {
  short: { type: "boolean", help: "print only the version number" },
};

/** The commands, in the order `help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  run: {
    summary: "Runs the updater: checks every annotated Application each interval and writes new images back.",
    args: "",
    flags: RUN_FLAGS,
  },
  webhook: {
    summary:
      "Receives registry webhooks only (no polling): each push checks the Applications watching its image (POST /webhook?type=TYPE).",
    args: "",
    flags: WEBHOOK_FLAGS,
  },
  test: {
    summary: "Checks which tag an image would be updated to, with the given strategy and filters, and says why.",
    args: " IMAGE",
    flags: TEST_FLAGS,
  },
  template: {
    summary: "Renders a commit message template (file PATH, or the default one) with sample changes.",
    args: " [PATH]",
    flags: TEMPLATE_FLAGS,
  },
  version: { summary: "Prints the version.", args: "", flags: VERSION_FLAGS },
  completion: {
    summary: `Prints a shell completion script (${COMPLETION_SHELLS.join(", ")}).`,
    args: " SHELL",
    flags: {},
  },
  help: { summary: "Prints this help, or a command's help (help COMMAND).", args: " [COMMAND]", flags: {} },
};

/** Collaborators the CLI needs; tests swap the engine. */
export interface CliDependencies {
  readonly createUpdater?: (config: DaemonConfig) => Promise<DaemonUpdater>;
  readonly onListening?: (ports: { health: number | null; metrics: number | null }) => void;
  readonly onWebhookListening?: (port: number) => void;
  /** Webhook secrets from a Kubernetes Secret (see `RunDependencies.webhookSecrets`). */
  readonly webhookSecrets?: () => WebhookSecrets;
}

/** True when `args` ask for help (`--help`, `-h`) before any `--`. */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/**
 * Runs the `image-updater` command line and resolves with the exit code (see {@link EXIT}), always with a
 * sentence saying what to write instead when the command line is wrong.
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDependencies = {}): Promise<number> {
  const [command, ...rest] = argv;
  function usageError(message: string, commandName?: string): number {
    const hint = commandName ? `"image-updater help ${commandName}"` : '"image-updater help"';
    io.stderr(`image-updater: ${message}\nRun ${hint} for usage.\n`);
    return EXIT.usage;
  }
  if (command === undefined || command === "--help" || command === "-h") {
    io.stdout(mainHelp(COMMANDS));
    return EXIT.ok;
  }
  if (command === "help") return help(rest[0], io, usageError);
  const spec = COMMANDS[command];
  if (spec !== undefined && asksForHelp(rest)) {
    io.stdout(commandHelp(command, spec));
    return EXIT.ok;
  }
  switch (command) {
    case "version":
    case "--version":
      return version(rest, io, usageError);
    case "run":
      return run(rest, io, deps, usageError);
    case "webhook":
      return run(rest, io, deps, usageError, "webhook");
    case "test":
      return testCommand(rest, io, usageError);
    case "template":
      return template(rest, io, usageError);
    case "completion":
      return completion(rest, io, usageError);
    default:
      return usageError(`unknown command "${command}"; the commands are ${Object.keys(COMMANDS).join(", ")}`);
  }
}

function help(topic: string | undefined, io: CliIo, usageError: (message: string, command?: string) => number): number {
  if (topic === undefined) {
    io.stdout(mainHelp(COMMANDS));
    return EXIT.ok;
  }
  const spec = COMMANDS[topic];
  if (spec === undefined) {
    return usageError(`unknown command "${topic}"; the commands are ${Object.keys(COMMANDS).join(", ")}`);
  }
  io.stdout(commandHelp(topic, spec));
  return EXIT.ok;
}

function version(args: readonly string[], io: CliIo, usageError: (message: string, command?: string) => number) {
  const parsed = parseFlags(args, VERSION_FLAGS);
  if ("error" in parsed) return usageError(parsed.error, "version");
  io.stdout(parsed.flags.values.short === true ? `v${daemonVersion()}\n` : `image-updater v${daemonVersion()}\n`);
  return EXIT.ok;
}

function completion(args: readonly string[], io: CliIo, usageError: (message: string, command?: string) => number) {
  const shell = args[0];
  if (args.length !== 1 || !(COMPLETION_SHELLS as readonly string[]).includes(shell ?? "")) {
    return usageError(`completion needs one SHELL: ${COMPLETION_SHELLS.join(", ")}`, "completion");
  }
  io.stdout(completionScript(shell as CompletionShell, COMMANDS));
  return EXIT.ok;
}

async function run(
  args: readonly string[],
  io: CliIo,
  deps: CliDependencies,
  usageError: (message: string, command?: string) => number,
  command: "run" | "webhook" = "run",
): Promise<number> {
  const parsed = parseFlags(args, command === "run" ? RUN_FLAGS : WEBHOOK_FLAGS);
  if ("error" in parsed) return usageError(parsed.error, command);
  if (parsed.flags.positionals.length > 0) {
    return usageError(`${command} takes no arguments, got "${parsed.flags.positionals.join(" ")}"`, command);
  }
  const configDirFlag = parsed.flags.values["config-dir"];
  const configDirPath =
    typeof configDirFlag === "string" ? configDirFlag : (io.env.IMAGE_UPDATER_CONFIG_DIR ?? null) || null;
  let configDir: Record<string, string> = {};
  if (configDirPath !== null) {
    try {
      configDir = await readConfigDir(configDirPath);
    } catch {
      io.stderr(`image-updater: cannot read the config folder ${configDirPath}\n`);
      return EXIT.failure;
    }
  }
  const { options, errors, warnings } = resolveRunOptions({
    flags: parsed.flags,
    env: io.env,
    configDir,
    configDirPath,
    fileExists: existsSync,
    ...(command === "webhook" ? { webhookDefaults: { enabled: true, port: 8080 } } : {}),
  });
  if (errors.length > 0) return usageError(errors.join("\n"), command);
  const logger = createLogger({ level: options.logLevel, format: options.logFormat, write: io.stderr });
  for (const warning of warnings) logger.warn(warning);
  if (options.applicationsDir !== null && !isDirectory(options.applicationsDir)) {
    const message = "the applications folder does not exist; check --applications-dir (IMAGE_UPDATER_APPLICATIONS_DIR)";
    if (options.once) {
      logger.error(message, { path: options.applicationsDir });
      return EXIT.noApplications;
    }
    logger.warn(`${message}; waiting for it to appear`, { path: options.applicationsDir });
  }
  try {
    const create = deps.createUpdater ?? createDaemonUpdater;
    let outcomes: ApplicationOutcomes | undefined;
    const runDeps: RunDependencies = {
      logger,
      async createUpdater(config) {
        const updater = await create(config);
        outcomes = trackApplicationOutcomes(updater.events);
        return updater;
      },
      version: daemonVersion(),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(deps.onListening ? { onListening: deps.onListening } : {}),
      ...(deps.onWebhookListening ? { onWebhookListening: deps.onWebhookListening } : {}),
      ...(deps.webhookSecrets ? { webhookSecrets: deps.webhookSecrets } : {}),
    };
    const result = command === "run" ? await runDaemon(options, runDeps) : await runWebhookCommand(options, runDeps);
    if (options.once && result.exitCode === EXIT.ok && outcomes?.allFailed()) {
      logger.error("every application failed; see the errors above");
      return EXIT.allApplicationsFailed;
    }
    return result.exitCode;
  } catch (error) {
    logger.error("image-updater stopped", { error: error instanceof Error ? error.message : String(error) });
    return EXIT.failure;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function template(
  args: readonly string[],
  io: CliIo,
  usageError: (message: string, command?: string) => number,
): Promise<number> {
  const parsed = parseFlags(args, TEMPLATE_FLAGS);
  if ("error" in parsed) return usageError(parsed.error, "template");
  const { positionals } = parsed.flags;
  if (positionals.length > 1) return usageError("template takes at most one PATH", "template");
  let text: string | null = null;
  const path = positionals[0];
  if (path !== undefined) {
    try {
      text = await readFile(path, "utf8");
    } catch {
      io.stderr(`image-updater: cannot read the template ${path}\n`);
      return EXIT.failure;
    }
  }
  try {
    io.stdout(renderSampleTemplate(text));
    return EXIT.ok;
  } catch (error) {
    io.stderr(`image-updater: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
