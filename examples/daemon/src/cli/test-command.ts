/** The `test IMAGE` command: which tag an image would be updated to, and why every other tag was not. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { arch } from "node:os";
import {
  DOCKER_HUB_ENDPOINT,
  ImageUpdaterError,
  parseImageReference,
  parseRegistriesConf,
  resolveRegistryEndpoint,
} from "@image-updater/core";
import { TestImageUsageError, testImage } from "../commands/test-image.js";
import type { TestImageResult } from "../commands/test-image-types.js";
import { PEER_TEST_FLAGS } from "../config/peer-flags.js";
import { LOG_LEVELS, type LogLevel } from "../config/run-options.js";
import { createLogger, type Logger } from "../logging/logger.js";
import { registryFailureHint } from "../logging/registry-failure.js";
import { type CliIo, EXIT } from "./io.js";
import { type FlagSpec, parseFlags } from "./parse-flags.js";

/** Strategies `test` accepts (aliases included); core may know more, these are the documented ones. */
const STRATEGIES = ["semver", "newest-build", "latest", "alphabetical", "name", "digest", "numerical"] as const;

const DEFAULT_REGISTRIES_CONF = "/app/config/registries.conf";

/** The `test` flags: argocd-image-updater's, plus the strategy options the SDK has. */
export const TEST_FLAGS: Readonly<Record<string, FlagSpec>> = {
  ...PEER_TEST_FLAGS,
  "update-strategy": { type: "string", placeholder: "STRATEGY", help: `${STRATEGIES.join(", ")} (default semver)` },
  "semver-constraint": {
    type: "string",
    placeholder: "CONSTRAINT",
    help: "only versions matching, e.g. ^1.2 or ~1.2.0 (the IMAGE tag is not used as constraint)",
  },
  "allow-tags": { type: "string", placeholder: "MATCH", help: "regexp:EXPRESSION or any (prefix in any case)" },
  "ignore-tags": {
    type: "string",
    multiple: true,
    placeholder: "GLOB",
    help: "tags to ignore (repeatable, comma lists allowed)",
  },
  extract: {
    type: "string",
    placeholder: "PATTERN",
    help: "rank on the part of each tag a capture group of this regexp matches; tags it misses are dropped",
  },
  "extract-group": {
    type: "string",
    placeholder: "GROUP",
    help: "capture group for --extract: a number or a name, Flux-style $ts too (default 1, or the whole match)",
  },
  "sort-order": { type: "string", placeholder: "ORDER", help: "alphabetical, numerical: asc or desc (default asc)" },
  "natural-sort": { type: "boolean", help: "alphabetical: natural order (v9 before v10)" },
  platforms: {
    type: "string",
    multiple: true,
    placeholder: "OS/ARCH",
    help: "platforms the image must offer (default linux/<this machine's arch>)",
  },
  "registries-conf-path": {
    type: "string",
    placeholder: "PATH",
    help: `registries.conf to use (default ${DEFAULT_REGISTRIES_CONF} when it exists)`,
  },
  credentials: {
    type: "string",
    placeholder: "REF",
    help: "registry credentials: env:VAR, ext:/path, or a registries.conf reference",
  },
  "rate-limit": {
    type: "string",
    placeholder: "N",
    help: "requests per second to the registry, replacing its registries.conf limit",
  },
  output: { type: "string", placeholder: "FORMAT", help: "text (log lines) or json (core's decision JSON)" },
  loglevel: { type: "string", placeholder: "LEVEL", help: "trace, debug, info, warn or error (default info)" },
};

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

/** Runs `test` with `args` (after the command name); resolves with the exit code. */
export async function testCommand(
  args: readonly string[],
  io: CliIo,
  usageError: (message: string, command?: string) => number,
): Promise<number> {
  const parsed = parseFlags(args, TEST_FLAGS);
  if ("error" in parsed) return usageError(parsed.error, "test");
  const { values, positionals } = parsed.flags;
  const fail = (message: string) => usageError(message, "test");
  const string = (name: string): string | null => (typeof values[name] === "string" ? values[name] : null);
  if (positionals.length !== 1) {
    return fail("test needs exactly one IMAGE, e.g. image-updater test docker.io/library/nginx");
  }
  const strategy = string("update-strategy") ?? "semver";
  if (!(STRATEGIES as readonly string[]).includes(strategy.toLowerCase())) {
    return fail(`invalid value "${strategy}" for --update-strategy: write one of ${STRATEGIES.join(", ")}`);
  }
  const output = string("output") ?? "text";
  if (output !== "text" && output !== "json") return fail(`invalid value "${output}" for --output: write text or json`);
  const level = string("loglevel") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    return fail(`invalid value "${level}" for --loglevel: write one of ${LOG_LEVELS.join(", ")}`);
  }
  const allowTags = string("allow-tags");
  if (allowTags !== null && allowTags.toLowerCase() !== "any" && !/^regexp:/i.test(allowTags)) {
    return fail(`invalid value "${allowTags}" for --allow-tags: write regexp:EXPRESSION or any`);
  }
  const order = string("sort-order");
  if (order !== null && order !== "asc" && order !== "desc") {
    return fail(`invalid value "${order}" for --sort-order: write asc or desc`);
  }
  const rateLimitText = string("rate-limit");
  const rateLimit = rateLimitText === null ? null : Number(rateLimitText);
  if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit > 0)) {
    return fail(
      `invalid value "${rateLimitText}" for --rate-limit: write a whole number of requests per second, e.g. 20`,
    );
  }
  const extractPattern = string("extract");
  const extractGroup = string("extract-group");
  if (extractGroup !== null && extractPattern === null) return fail("--extract-group needs --extract PATTERN");
  const list = (name: string) =>
    (Array.isArray(values[name]) ? (values[name] as string[]) : [])
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== "");
  const platforms = list("platforms");
  const badPlatform = platforms.find((p) => !/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(p));
  if (badPlatform !== undefined) {
    return fail(`invalid value "${badPlatform}" for --platforms: write os/arch[/variant], e.g. linux/amd64`);
  }
  const explicitConf = string("registries-conf-path");
  const registriesPath = explicitConf ?? (existsSync(DEFAULT_REGISTRIES_CONF) ? DEFAULT_REGISTRIES_CONF : null);
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
  for (const [name, flag] of Object.entries(TEST_FLAGS)) {
    if (flag.noEffect !== undefined && values[name] !== undefined) {
      logger.warn(`--${name} has no effect here: ${flag.noEffect}`);
    }
  }
  const image = positionals[0] ?? "";
  logger.info("getting image", { image_name: image });
  if (rateLimit !== null) logger.info(`Overriding registry rate-limit to ${rateLimit} requests per second`);
  let result: TestImageResult;
  try {
    result = await testImage(
      {
        image,
        strategy,
        semverConstraint: string("semver-constraint"),
        allowTags,
        ignoreTags: list("ignore-tags"),
        platforms: platforms.length > 0 ? platforms : [hostPlatform()],
        registriesConf,
        credentials: string("credentials"),
        extract:
          extractPattern === null
            ? null
            : { pattern: extractPattern, ...(extractGroup === null ? {} : { group: extractGroup }) },
        ...(order !== null ? { order } : {}),
        naturalSort: values["natural-sort"] === true,
        rateLimit,
      },
      { ...(io.signal ? { signal: io.signal } : {}), onWarning: (message) => logger.warn(message) },
    );
  } catch (error) {
    if (error instanceof TestImageUsageError) return fail(error.message);
    const code = error instanceof ImageUpdaterError ? error.code : undefined;
    logger.error("could not check the image", {
      error: error instanceof Error ? error.message : String(error),
      code,
      ...(error instanceof ImageUpdaterError
        ? { hint: registryFailureHint(error, registryContext(image, registriesConf)) }
        : {}),
    });
    return EXIT.failure;
  }
  if (output === "json") {
    io.stdout(`${JSON.stringify(result.decision)}\n`);
    return EXIT.ok;
  }
  printTestText(result, logger);
  return EXIT.ok;
}

/** The image's registry, and whether registries.conf has an entry for it (the hint differs). */
function registryContext(image: string, registriesConf: string | null): { registry?: string; configured?: boolean } {
  const ref = parseImageReference(image).value;
  if (!ref) return {};
  const endpoints = registriesConf === null ? [] : parseRegistriesConf(registriesConf).endpoints;
  const endpoint = resolveRegistryEndpoint(endpoints, ref);
  return { registry: ref.registry, configured: endpoints.includes(endpoint) || endpoint === DOCKER_HUB_ENDPOINT };
}

/** argocd-image-updater's lines, each dropped tag with its reason, and the winner's why, all at info. */
function printTestText({ decision, winnerWhy }: TestImageResult, logger: Logger): void {
  for (const warning of decision.warnings) logger.warn(warning, { image_name: decision.image });
  for (const c of decision.considered) {
    if (!c.kept) logger.info(`tag ${c.tag} ${c.why}`, { image_name: decision.image, reason: c.reason });
    else logger.debug(`tag ${c.tag} ${c.why}`, { image_name: decision.image });
  }
  logger.info(`Found ${decision.tagsFound} tags in registry`, { image_name: decision.image });
  if (decision.tag === null) {
    logger.info("no newer version of image found", { image_name: decision.image, why: decision.message });
    return;
  }
  const digest = decision.digest ? `@${decision.digest}` : "";
  logger.info(`latest image according to constraint is ${decision.image}:${decision.tag}${digest}`, {
    image_name: decision.image,
    ...(winnerWhy ? { why: winnerWhy } : {}),
  });
}
