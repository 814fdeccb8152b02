/**
 * Warnings for settings that are accepted but do nothing here, and for names that look like settings but are
 * none (a ConfigMap key or an environment variable with a typo), so a setting is never silently dropped.
 */
import type { FlagSpec } from "../cli/parse-flags.js";
import { configKeyWhere, type SettingSources, settingOrigin } from "./setting-origin.js";

/** Names that are settings although no flag carries them. */
export interface ExtraNames {
  /** Environment variables read directly (`PULL_REQUEST_TOKEN`), with no-effect ones mapped to their reason. */
  readonly env?: Readonly<Record<string, string | null>>;
  /** Config-folder keys read directly (`registries.conf`), with no-effect ones mapped to their reason. */
  readonly configKeys?: Readonly<Record<string, string | null>>;
}

// Variables with these prefixes are ours or argocd-image-updater's; an unknown one is most likely a typo.
const OUR_PREFIXES = ["IMAGE_UPDATER_", "GIT_COMMIT_", "PULL_REQUEST_", "WEBHOOK_"];

/**
 * One line per setting that is set but has no effect here (`--argocd-grpc-web has no effect here: …`), per
 * unknown config-folder key, and per environment variable that looks like one of ours but is none.
 */
export function compatibilityWarnings(
  spec: Readonly<Record<string, FlagSpec>>,
  sources: SettingSources,
  extra: ExtraNames = {},
): string[] {
  const warnings: string[] = [];
  for (const [name, flag] of Object.entries(spec)) {
    if (flag.noEffect === undefined) continue;
    const origin = settingOrigin(name, flag, sources);
    if (origin) warnings.push(`${origin.where} has no effect here: ${flag.noEffect}`);
  }
  const env = new Set(Object.values(spec).flatMap((flag) => (flag.env ? [flag.env] : [])));
  const keys = new Set(Object.values(spec).flatMap((flag) => flag.configKeys ?? []));
  for (const [name, reason] of Object.entries(extra.env ?? {})) {
    env.add(name);
    if (reason !== null && (sources.env[name] ?? "") !== "") {
      warnings.push(`environment variable ${name} has no effect here: ${reason}`);
    }
  }
  for (const [key, reason] of Object.entries(extra.configKeys ?? {})) {
    keys.add(key);
    if (reason !== null && sources.configDir[key] !== undefined) {
      warnings.push(`${configKeyWhere(key, sources.configDirPath)} has no effect here: ${reason}`);
    }
  }
  for (const key of Object.keys(sources.configDir)) {
    if (keys.has(key)) continue;
    warnings.push(
      `${configKeyWhere(key, sources.configDirPath)} is not a setting of argocd-image-updater or image-updater and is ignored${suggestion(key, keys)}`,
    );
  }
  for (const name of Object.keys(sources.env)) {
    if (env.has(name)) continue;
    const near = closest(name, env);
    if (near !== null || OUR_PREFIXES.some((prefix) => name.startsWith(prefix))) {
      warnings.push(
        `environment variable ${name} is not read by image-updater${near ? `; did you mean ${near}?` : ""}`,
      );
    }
  }
  return warnings;
}

function suggestion(name: string, known: ReadonlySet<string>): string {
  const near = closest(name, known);
  return near === null ? "" : `; did you mean ${near}?`;
}

/** The known name within two edits of `name` (case-insensitive), if any. */
function closest(name: string, known: ReadonlySet<string>): string | null {
  if (name.length < 5) return null;
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, cut off at `limit` (a dozen lines do not earn a dependency). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? limit;
}
