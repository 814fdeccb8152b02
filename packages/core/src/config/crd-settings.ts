/** Reading the setting blocks of an `ImageUpdater` CR (`commonUpdateSettings`, `writeBackConfig`, `imagesVerification`). */
import { checkFields, readBoolean, readString, readStringList, type Sourced } from "./crd-fields.js";
import type { Diagnostic } from "./diagnostic.js";
import { isRecord } from "./label-selector.js";

/** `commonUpdateSettings` fields, each with where it was set. */
export interface CommonSettings {
  updateStrategy?: Sourced<string>;
  forceUpdate?: Sourced<boolean>;
  allowTags?: Sourced<string>;
  ignoreTags?: Sourced<readonly string[]>;
  pullSecret?: Sourced<string>;
  platforms?: Sourced<readonly string[]>;
}

/** `writeBackConfig` fields, flattened, each with where it was set. */
export interface WriteBackSettings {
  method?: Sourced<string>;
  repository?: Sourced<string>;
  branch?: Sourced<string>;
  writeBackTarget?: Sourced<string>;
  pullRequest?: Sourced<Record<string, unknown>>;
}

/** `imagesVerification`: whether a block is present at some level, and `enabled` where set. */
export interface VerificationSettings {
  enabled?: Sourced<boolean>;
  present: boolean;
}

/** Reads `commonUpdateSettings` at one level. */
export function readCommon(raw: unknown, path: string, diagnostics: Diagnostic[]): CommonSettings {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    diagnostics.push({ severity: "error", key: path, message: "commonUpdateSettings is an object; it is ignored" });
    return {};
  }
  checkFields(
    raw,
    path,
    ["updateStrategy", "forceUpdate", "allowTags", "ignoreTags", "pullSecret", "platforms"],
    diagnostics,
  );
  const settings: CommonSettings = {};
  const str = (field: string) => readString(raw[field], `${path}.${field}`, diagnostics);
  const list = (field: string) => readStringList(raw[field], `${path}.${field}`, diagnostics);
  const strategy = str("updateStrategy");
  if (strategy !== undefined) settings.updateStrategy = { value: strategy, path: `${path}.updateStrategy` };
  const force = readBoolean(raw.forceUpdate, `${path}.forceUpdate`, diagnostics);
  if (force !== undefined) settings.forceUpdate = { value: force, path: `${path}.forceUpdate` };
  const allow = str("allowTags");
  if (allow !== undefined) settings.allowTags = { value: allow, path: `${path}.allowTags` };
  const ignore = list("ignoreTags");
  if (ignore !== undefined) settings.ignoreTags = { value: ignore, path: `${path}.ignoreTags` };
  const secret = str("pullSecret");
  if (secret !== undefined) settings.pullSecret = { value: secret, path: `${path}.pullSecret` };
  const platforms = list("platforms");
  if (platforms !== undefined) settings.platforms = { value: platforms, path: `${path}.platforms` };
  return settings;
}

/** Reads `writeBackConfig` at one level. */
export function readWriteBack(raw: unknown, path: string, diagnostics: Diagnostic[]): WriteBackSettings {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    diagnostics.push({ severity: "error", key: path, message: "writeBackConfig is an object; it is ignored" });
    return {};
  }
  checkFields(raw, path, ["method", "gitConfig"], diagnostics);
  const settings: WriteBackSettings = {};
  const method = readString(raw.method, `${path}.method`, diagnostics);
  if (method !== undefined) settings.method = { value: method, path: `${path}.method` };
  const git = raw.gitConfig;
  if (git === undefined || git === null) return settings;
  if (!isRecord(git)) {
    diagnostics.push({ severity: "error", key: `${path}.gitConfig`, message: "gitConfig is an object; it is ignored" });
    return settings;
  }
  const gitPath = `${path}.gitConfig`;
  checkFields(git, gitPath, ["repository", "branch", "writeBackTarget", "pullRequest"], diagnostics);
  for (const field of ["repository", "branch", "writeBackTarget"] as const) {
    const value = readString(git[field], `${gitPath}.${field}`, diagnostics);
    if (value !== undefined) settings[field] = { value, path: `${gitPath}.${field}` };
  }
  if (git.pullRequest !== undefined && git.pullRequest !== null) {
    if (isRecord(git.pullRequest)) settings.pullRequest = { value: git.pullRequest, path: `${gitPath}.pullRequest` };
    else
      diagnostics.push({
        severity: "error",
        key: `${gitPath}.pullRequest`,
        message: "pullRequest is an object: `{github: {}}` or `{gitlab: {}}`",
      });
  }
  return settings;
}

/** Reads `imagesVerification` at one level. */
export function readVerification(raw: unknown, path: string, diagnostics: Diagnostic[]): VerificationSettings {
  if (raw === undefined || raw === null) return { present: false };
  if (!isRecord(raw)) {
    diagnostics.push({ severity: "error", key: path, message: "imagesVerification is an object" });
    return { present: true };
  }
  checkFields(raw, path, ["enabled", "cosignKey"], diagnostics);
  const enabled = readBoolean(raw.enabled, `${path}.enabled`, diagnostics);
  return { present: true, ...(enabled === undefined ? {} : { enabled: { value: enabled, path: `${path}.enabled` } }) };
}

/** Field-wise merge of verification settings, inner level winning. */
export function mergeVerification(outer: VerificationSettings, inner: VerificationSettings): VerificationSettings {
  const enabled = inner.enabled ?? outer.enabled;
  return { present: outer.present || inner.present, ...(enabled ? { enabled } : {}) };
}
