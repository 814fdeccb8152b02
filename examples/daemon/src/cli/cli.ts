import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { arch } from "node:os";
import { ImageUpdaterError } from "@image-updater/core";
import type { WebhookSecrets } from "@image-updater/webhooks";
import { runDaemon } from "../commands/run.js";
import { renderSampleTemplate } from "../commands/template.js";
import { TestImageUsageError, testImage } from "../commands/test-image.js";
import type { TestImageResult } from "../commands/test-image-types.js";
import { readConfigDir } from "../config/config-dir.js";
import { LOG_LEVELS, type LogLevel, RUN_FLAGS, resolveRunOptions } from "../config/run-options.js";
import { createLogger, type Logger } from "../logging/logger.js";
import { daemonVersion } from "../version.js";
import { runWebhookCommand, WEBHOOK_COMMAND_EXCLUDED_FLAGS } from "../webhook/webhook-command.js";
import { createDaemonUpdater, type DaemonConfig, type DaemonUpdater } from "../wiring.js";
import { type CliIo, EXIT } from "./io.js";
import { type FlagSpec, parseFlags } from "./parse-flags.js";
import { COMMANDS, flagHelp, mainHelp } from "./usage.js";

/** Strategies `test` accepts (aliases included); core may know more, these are the documented ones. */
const STRATEGIES = ["semver", "newest-build", "latest", "alphabetical", "name", "digest", "numerical"] as const;

export const TEST_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "update-strategy": { type: "string", placeholder: "STRATEGY", help: `${STRATEGIES.join(", ")} (default semver)` },
  "semver-constraint": {
    type: "string",
    placeholder: "CONSTRAINT",
    help: "only versions matching, e.g. ^1.2 or ~1.2.0 (the IMAGE tag is not used as constraint)",
  },
  "allow-tags": { type: "string", placeholder: "MATCH", help: "regexp:EXPRESSION or any" },
  "ignore-tags": {
    type: "string",
    multiple: true,
    placeholder: "GLOB",
    help: "tags to ignore (repeatable, comma lists allowed)",
  },
  platforms: {
    type: "string",
    multiple: true,
    placeholder: "OS/ARCH",
    help: "platforms the image must offer (default linux/<this machine's arch>)",
  },
  "registries-conf-path": {
    type: "string",
    placeholder: "PATH",
    help: "registries.conf to use (default /app/config/registries.conf when it exists)",
  },
  credentials: {
    type: "string",
    placeholder: "REF",
    help: "registry credentials: env:VAR, ext:/path, or a registries.conf reference",
  },
  output: { type: "string", placeholder: "FORMAT", help: "text (log lines) or json (one object)" },
  loglevel: { type: "string", placeholder: "LEVEL", help: "trace, debug, info, warn or error (default info)" },
};

export const TEMPLATE_FLAGS: Readonly<Record<string, FlagSpec>> = {};

/** `webhook` takes `run`'s flags, less those about polling. */
export const WEBHOOK_FLAGS: Readonly<Record<string, FlagSpec>> = Object.fromEntries(
  Object.entries(RUN_FLAGS).filter(([name]) => !WEBHOOK_COMMAND_EXCLUDED_FLAGS.includes(name)),
);

/** Collaborators the CLI needs; tests swap the engine. */
export interface CliDependencies {
  readonly createUpdater?: (config: DaemonConfig) => Promise<DaemonUpdater>;
  readonly onListening?: (ports: { health: number | null; metrics: number | null }) => void;
  readonly onWebhookListening?: (port: number) => void;
  /** Webhook secrets from a Kubernetes Secret (see `RunDependencies.webhookSecrets`). */
  readonly webhookSecrets?: () => WebhookSecrets;
}

/**
 * Runs the `image-updater` command line and resolves with the exit code: 0 success, 1 a failure of the world,
 * 2 a usage error (unknown flag, invalid value), always with a sentence saying what to write instead.
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDependencies = {}): Promise<number> {
  const [command, ...rest] = argv;
  function usageError(message: string, commandName?: string): number {
    const hint = commandName ? `"image-updater help ${commandName}"` : '"image-updater help"';
    io.stderr(`image-updater: ${message}\nRun ${hint} for usage.\n`);
    return EXIT.usage;
  }
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return help(rest[0], io);
    case "version":
    case "--version":
      io.stdout(`image-updater v${daemonVersion()}\n`);
      return EXIT.ok;
    case "run":
      return run(rest, io, deps, usageError);
    case "webhook":
      return run(rest, io, deps, usageError, "webhook");
    case "test":
      return test(rest, io, usageError);
    case "template":
      return template(rest, io, usageError);
    default:
      return usageError(`unknown command "${command}"; the commands are ${Object.keys(COMMANDS).join(", ")}`);
  }
}

function help(topic: string | undefined, io: CliIo): number {
  const flags: Record<string, Readonly<Record<string, FlagSpec>>> = {
    run: RUN_FLAGS,
    webhook: WEBHOOK_FLAGS,
    test: TEST_FLAGS,
    template: TEMPLATE_FLAGS,
  };
  if (topic === undefined || COMMANDS[topic] === undefined) {
    io.stdout(mainHelp());
    return topic === undefined ? EXIT.ok : EXIT.usage;
  }
  const args = topic === "test" ? " IMAGE" : topic === "template" ? " [PATH]" : "";
  const table = flags[topic];
  io.stdout(
    `${COMMANDS[topic]}\n\nUsage: image-updater ${topic}${args}${table && Object.keys(table).length > 0 ? ` [flags]\n\nFlags:\n${flagHelp(table)}` : ""}\n`,
  );
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
  const { options, errors } = resolveRunOptions({
    flags: parsed.flags,
    env: io.env,
    configDir,
    configDirPath,
    fileExists: existsSync,
    ...(command === "webhook" ? { webhookDefaults: { enabled: true, port: 8080 } } : {}),
  });
  if (errors.length > 0) return usageError(errors.join("\n"), command);
  const logger = createLogger({ level: options.logLevel, format: options.logFormat, write: io.stderr });
  try {
    const runDeps = {
      logger,
      createUpdater: deps.createUpdater ?? createDaemonUpdater,
      version: daemonVersion(),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(deps.onListening ? { onListening: deps.onListening } : {}),
      ...(deps.onWebhookListening ? { onWebhookListening: deps.onWebhookListening } : {}),
      ...(deps.webhookSecrets ? { webhookSecrets: deps.webhookSecrets } : {}),
    };
    const result = command === "run" ? await runDaemon(options, runDeps) : await runWebhookCommand(options, runDeps);
    return result.exitCode;
  } catch (error) {
    logger.error("image-updater stopped", { error: error instanceof Error ? error.message : String(error) });
    return EXIT.failure;
  }
}

/** Go's GOARCH names for Node's `os.arch()`. */
function hostPlatform(): string {
  const goArch: Record<string, string> = {
    x64: "amd64",
    ia32: "386",
    arm64: "arm64",
    arm: "arm",
    ppc64: "ppc64le",
    s390x: "s390x",
  };
  return `linux/${goArch[arch()] ?? arch()}`;
}

async function test(
  args: readonly string[],
  io: CliIo,
  usageError: (message: string, command?: string) => number,
): Promise<number> {
  const parsed = parseFlags(args, TEST_FLAGS);
  if ("error" in parsed) return usageError(parsed.error, "test");
  const { values, positionals } = parsed.flags;
  if (positionals.length !== 1) {
    return usageError("test needs exactly one IMAGE, e.g. image-updater test docker.io/library/nginx", "test");
  }
  const strategy = typeof values["update-strategy"] === "string" ? values["update-strategy"] : "semver";
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    return usageError(
      `invalid value "${strategy}" for --update-strategy: write one of ${STRATEGIES.join(", ")}`,
      "test",
    );
  }
  const output = typeof values.output === "string" ? values.output : "text";
  if (output !== "text" && output !== "json") {
    return usageError(`invalid value "${output}" for --output: write text or json`, "test");
  }
  const level = typeof values.loglevel === "string" ? values.loglevel : "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    return usageError(`invalid value "${level}" for --loglevel: write one of ${LOG_LEVELS.join(", ")}`, "test");
  }
  const allowTags = typeof values["allow-tags"] === "string" ? values["allow-tags"] : null;
  if (allowTags !== null && allowTags !== "any" && !allowTags.startsWith("regexp:")) {
    return usageError(`invalid value "${allowTags}" for --allow-tags: write regexp:EXPRESSION or any`, "test");
  }
  const list = (name: string) =>
    (Array.isArray(values[name]) ? (values[name] as string[]) : [])
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== "");
  const platforms = list("platforms");
  const badPlatform = platforms.find((p) => !/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(p));
  if (badPlatform !== undefined) {
    return usageError(
      `invalid value "${badPlatform}" for --platforms: write os/arch[/variant], e.g. linux/amd64`,
      "test",
    );
  }
  const registriesPath =
    typeof values["registries-conf-path"] === "string"
      ? values["registries-conf-path"]
      : existsSync("/app/config/registries.conf")
        ? "/app/config/registries.conf"
        : null;
  let registriesConf: string | null = null;
  if (registriesPath !== null) {
    try {
      registriesConf = await readFile(registriesPath, "utf8");
    } catch {
      io.stderr(`image-updater: cannot read ${registriesPath}; check --registries-conf-path\n`);
      return EXIT.failure;
    }
  }
  const logger = createLogger({
    level: level as LogLevel,
    format: "text",
    write: output === "json" ? io.stderr : io.stdout,
  });
  const image = positionals[0] ?? "";
  logger.info("getting image", { image_name: image });
  let result: TestImageResult;
  try {
    result = await testImage(
      {
        image,
        strategy,
        semverConstraint: typeof values["semver-constraint"] === "string" ? values["semver-constraint"] : null,
        allowTags,
        ignoreTags: list("ignore-tags"),
        platforms: platforms.length > 0 ? platforms : [hostPlatform()],
        registriesConf,
        credentials: typeof values.credentials === "string" ? values.credentials : null,
      },
      { ...(io.signal ? { signal: io.signal } : {}), onWarning: (message) => logger.warn(message) },
    );
  } catch (error) {
    if (error instanceof TestImageUsageError) return usageError(error.message, "test");
    const code = error instanceof ImageUpdaterError ? error.code : undefined;
    logger.error("could not check the image", {
      error: error instanceof Error ? error.message : String(error),
      code,
    });
    return EXIT.failure;
  }
  if (output === "json") {
    io.stdout(`${JSON.stringify(result)}\n`);
    return EXIT.ok;
  }
  printTestText(result, logger);
  return EXIT.ok;
}

function printTestText(result: TestImageResult, logger: Logger): void {
  for (const c of result.considered) {
    logger.debug(c.kept ? "tag kept" : "tag dropped", { tag: c.tag, reason: c.reason });
  }
  logger.info(`Found ${result.tagsFound} tags in registry`, { image_name: result.image });
  if (result.tag === null) {
    logger.info("no newer version of image found", { image_name: result.image });
    return;
  }
  const digest = result.digest ? `@${result.digest}` : "";
  logger.info(`latest image according to constraint is ${result.image}:${result.tag}${digest}`, {
    image_name: result.image,
  });
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
