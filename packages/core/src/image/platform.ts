/** Target platforms written `os/arch[/variant]`, as in Docker's `--platform` and the `platforms` annotation. */
import type { Diagnostic, ParseResult } from "../config/diagnostic.js";
import type { Platform } from "../registry/types.js";

const PART = /^[a-z0-9][a-z0-9._-]*$/;

/** Options of {@link parsePlatform} and `parsePlatformList`. */
export interface PlatformParseOptions {
  /** Diagnostic key to report under. @default "platforms" */
  readonly key?: string;
  /** Alias to attach to diagnostics. */
  readonly alias?: string;
}

/**
 * Parses `os/arch[/variant]` (`linux/amd64`, `linux/arm/v7`). Case is folded to lowercase, as Docker does.
 * Never throws; an invalid text gives no value and an error diagnostic.
 */
export function parsePlatform(text: string, options: PlatformParseOptions = {}): ParseResult<Platform> {
  const written = String(text).trim();
  const parts = written.toLowerCase().split("/");
  const [os = "", architecture = "", variant] = parts;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !PART.test(os) ||
    !PART.test(architecture) ||
    (variant !== undefined && !PART.test(variant))
  ) {
    const diagnostic: Diagnostic = {
      severity: "error",
      key: options.key ?? "platforms",
      message: `\`${written}\` is not a platform; write \`os/arch\` or \`os/arch/variant\`, e.g. \`linux/amd64\` or \`linux/arm/v7\``,
      ...(options.alias === undefined ? {} : { image: options.alias }),
    };
    return { diagnostics: [diagnostic] };
  }
  return { value: { os, architecture, ...(variant === undefined ? {} : { variant }) }, diagnostics: [] };
}

/** Result of `parsePlatformList`. */
export interface PlatformListResult {
  readonly platforms: readonly Platform[];
  /** Entries that did not parse, as written. Callers fail closed on them. */
  readonly invalid: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses a comma-separated platform list; empty entries are skipped, duplicates dropped. */
export function parsePlatformList(text: string, options: PlatformParseOptions = {}): PlatformListResult {
  const platforms: Platform[] = [];
  const invalid: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const raw of String(text).split(",")) {
    if (raw.trim() === "") continue;
    const parsed = parsePlatform(raw, options);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value === undefined) {
      invalid.push(raw.trim());
      continue;
    }
    const id = formatPlatform(parsed.value);
    if (seen.has(id)) continue;
    seen.add(id);
    platforms.push(parsed.value);
  }
  return { platforms, invalid, diagnostics };
}

/** Renders `os/arch[/variant]`, as written in the `platforms` annotation. */
export function formatPlatform(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ""}`;
}

/**
 * Platform matching for index children and single images (argocd-image-updater reference §2.2), the one rule
 * every registry client and the strategies share: no wanted platform accepts everything; otherwise
 * `os/arch[/variant]` must match one wanted entry, and a wanted entry without a variant accepts any variant
 * (`linux/arm64` accepts `linux/arm64/v8`). Names are compared case-insensitively and the default variants are
 * normalised the way containerd does (`arm64` = `arm64/v8`, `arm` = `arm/v7`), so `linux/arm64/v8` also accepts
 * an arm64 image that records no variant.
 *
 * True when `actual` is one of the `wanted` platforms. An image whose platform is unknown (`undefined`) matches,
 * because nothing says it does not. Never throws.
 */
export function matchesPlatform(wanted: readonly Platform[], actual: Platform | undefined): boolean {
  if (wanted.length === 0 || actual === undefined) return true;
  const have = normalise(actual);
  return wanted.some((entry) => {
    const want = normalise(entry);
    if (want.os !== have.os || want.architecture !== have.architecture) return false;
    return !entry.variant || want.variant === "" || want.variant === have.variant;
  });
}

interface NormalisedPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string;
}

function normalise(platform: Platform): NormalisedPlatform {
  const os = String(platform.os ?? "").toLowerCase();
  const architecture = String(platform.architecture ?? "").toLowerCase();
  let variant = String(platform.variant ?? "").toLowerCase();
  if (architecture === "arm64" && (variant === "v8" || variant === "8")) variant = "";
  if (architecture === "arm" && variant === "") variant = "v7";
  if (architecture === "arm" && /^[5-8]$/.test(variant)) variant = `v${variant}`;
  return { os, architecture, variant };
}
