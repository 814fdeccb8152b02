/** One `registries:` entry of `registries.conf` → a {@link RegistryEndpoint}, field by field. */
import { isScalar, type Node, type Pair, type Scalar, type YAMLMap } from "yaml";
import type { RegistryEndpoint, TagSortMode } from "../registry/types.js";
import { parseCredentialReference } from "./credentials.js";
import type { Diagnostic } from "./diagnostic.js";
import { parseGoDuration } from "./duration.js";

/** Keys a registry entry may have. */
export const REGISTRY_FIELDS = [
  "name",
  "api_url",
  "prefix",
  "ping",
  "credentials",
  "credsexpire",
  "tagsortmode",
  "insecure",
  "ca_file",
  "ca_data",
  "defaultns",
  "limit",
  "timeout",
  "maxtags",
  "default",
] as const;

/** Docker Hub's built-in rate limit (requests per second). */
export const DOCKER_HUB_LIMIT = 10;

const TAG_SORT_MODES: readonly TagSortMode[] = ["none", "latest-first", "latest-last"];
const GO_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const GO_FALSE = new Set(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);

/** Where an entry is, for diagnostics. */
export interface EntryLocation {
  /** `registries[<index>]`. */
  readonly at: string;
  /** 1-based line of a node, when known. */
  readonly lineOf: (node: Node | null | undefined) => number | undefined;
}

/** A parsed entry, with the lines of its keys for later checks. */
export interface ParsedRegistryEntry {
  readonly endpoint: RegistryEndpoint;
  /** 1-based line of each key present. */
  readonly lines: ReadonlyMap<string, number | undefined>;
  readonly line: number | undefined;
}

/**
 * Parses one entry. Unknown keys are errors and ignored; any invalid value leaves the entry out
 * (`undefined`). Diagnostics are appended to `diagnostics`.
 */
export function parseRegistryEntry(
  item: YAMLMap,
  location: EntryLocation,
  diagnostics: Diagnostic[],
): ParsedRegistryEntry | undefined {
  const { at, lineOf } = location;
  const report = (severity: Diagnostic["severity"], key: string, message: string, line?: number): void => {
    diagnostics.push({ severity, key, message, ...(line ? { line } : {}) });
  };
  const fields = new Map<string, { value: Node | null; line: number | undefined }>();
  for (const pair of item.items as Pair<Node, Node | null>[]) {
    const key = String(scalarText(pair.key));
    if (!(REGISTRY_FIELDS as readonly string[]).includes(key)) {
      report(
        "error",
        `${at}.${key}`,
        `unknown key \`${key}\`; registry keys are ${REGISTRY_FIELDS.map((f) => `\`${f}\``).join(", ")}`,
        lineOf(pair.key),
      );
      continue;
    }
    fields.set(key, { value: pair.value, line: lineOf(pair.key) });
  }
  const entryLine = lineOf(item as unknown as Node);
  const before = diagnostics.length;
  const fail = (field: string, message: string): undefined => {
    report("error", `${at}.${field}`, message, fields.get(field)?.line ?? entryLine);
    return undefined;
  };
  const text = (field: string): string | undefined => {
    const node = fields.get(field)?.value;
    if (node === undefined || node === null) return undefined;
    if (!isScalar(node)) return fail(field, `\`${field}\` is a single value, not a list or map`);
    return isBlank(node) ? undefined : String(node.value);
  };
  const bool = (field: string): boolean | undefined => {
    const value = text(field);
    if (value === undefined) return undefined;
    if (GO_TRUE.has(value)) return true;
    if (GO_FALSE.has(value)) return false;
    return fail(field, `\`${value}\` is not a boolean; write \`yes\` or \`no\` (or \`true\`/\`false\`)`);
  };

  const name = text("name");
  if (name === undefined) fail("name", "registry name is missing; add `name: <display name>`");
  const apiUrlText = text("api_url");
  let apiUrl: string | undefined;
  if (apiUrlText === undefined) {
    fail("api_url", "API URL must be specified; add `api_url: https://<registry host>`");
  } else {
    apiUrl = apiUrlText.trim().replace(/\/+$/, "");
    let url: URL | undefined;
    try {
      url = new URL(apiUrl);
    } catch {
      url = undefined;
    }
    if (url !== undefined && (url.username || url.password)) {
      // The text itself is not echoed: it holds a credential.
      fail("api_url", "`api_url` must not hold credentials; remove `user:password@` and set `credentials:` instead");
    } else if (url?.protocol === "file:" && (url.host !== "" || url.pathname === "/")) {
      fail("api_url", `\`${apiUrlText}\` is not a folder of image layouts; write \`file:///absolute/path\``);
    } else if (
      url === undefined ||
      (url.protocol !== "https:" && url.protocol !== "http:" && url.protocol !== "file:")
    ) {
      fail(
        "api_url",
        `\`${apiUrlText}\` is not a registry URL; write \`https://<host>[:port]\` (or \`file:///path\` for image layouts)`,
      );
    }
  }
  const prefix = text("prefix")?.trim() ?? "";
  bool("ping");
  const insecure = bool("insecure") ?? false;
  const isDefaultFlag = bool("default") ?? false;

  const credentialsText = text("credentials");
  let credentials: RegistryEndpoint["credentials"];
  if (credentialsText !== undefined) {
    const parsed = parseCredentialReference(credentialsText, { key: `${at}.credentials` });
    for (const d of parsed.diagnostics) {
      diagnostics.push({
        ...d,
        ...(fields.get("credentials")?.line ? { line: fields.get("credentials")!.line } : {}),
      });
    }
    if (parsed.value !== undefined) {
      const { registry: _scope, ...reference } = parsed.value;
      credentials = reference;
    }
  }

  const expiresText = text("credsexpire");
  let credentialsExpireMs: number | undefined;
  if (expiresText !== undefined) {
    credentialsExpireMs = parseGoDuration(expiresText);
    if (credentialsExpireMs === undefined)
      fail("credsexpire", `\`${expiresText}\` is not a duration; write e.g. \`12h\`, \`1h30m\` or \`0\` (never)`);
    else if (credentialsExpireMs < 0)
      fail("credsexpire", `\`${expiresText}\` is negative; write a positive duration or \`0\` (never)`);
  }

  const sortText = text("tagsortmode")?.trim();
  let tagSortMode: TagSortMode = "none";
  if (sortText !== undefined && sortText !== "") {
    if ((TAG_SORT_MODES as readonly string[]).includes(sortText)) tagSortMode = sortText as TagSortMode;
    else
      fail("tagsortmode", `unknown tag sort mode \`${sortText}\`; write \`none\`, \`latest-first\` or \`latest-last\``);
  }

  const limitText = text("limit")?.trim();
  let limit: number | undefined;
  if (limitText !== undefined) {
    if (!/^[+-]?\d+$/.test(limitText))
      fail("limit", `\`${limitText}\` is not a whole number of requests per second; write e.g. \`limit: 10\``);
    else if (Number(limitText) > 0) limit = Number(limitText);
    else if (Number(limitText) < 0)
      report(
        "warning",
        `${at}.limit`,
        `\`${limitText}\` is negative, so requests to this registry are not paced; write a number of requests per second such as \`limit: 10\`, or \`0\` for no pacing`,
        fields.get("limit")?.line,
      );
  }

  const timeoutText = text("timeout")?.trim();
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    timeoutMs = parseGoDuration(timeoutText);
    if (timeoutMs === undefined || timeoutMs <= 0)
      fail("timeout", `\`${timeoutText}\` is not a positive duration; write e.g. \`timeout: 30s\``);
  }

  const maxTagsText = text("maxtags")?.trim();
  let maxTags: number | undefined;
  if (maxTagsText !== undefined) {
    if (!/^\d+$/.test(maxTagsText) || Number(maxTagsText) < 1)
      fail("maxtags", `\`${maxTagsText}\` is not a positive whole number of tags; write e.g. \`maxtags: 100000\``);
    else maxTags = Number(maxTagsText);
  }

  const caFile = text("ca_file")?.trim();
  const caData = text("ca_data");
  if (caData !== undefined && !caData.includes("-----BEGIN CERTIFICATE-----")) {
    fail("ca_data", "`ca_data` holds PEM certificates (`-----BEGIN CERTIFICATE-----` …)");
  }
  const defaultNamespace = text("defaultns")?.trim();

  if (apiUrl?.startsWith("http://") && !insecure && credentialsText !== undefined) {
    report(
      "warning",
      `${at}.api_url`,
      "plain `http://` sends credentials unencrypted; use `https://`, or add `insecure: yes` to say it is intended",
      fields.get("api_url")?.line,
    );
  }
  if (fields.has("ping")) {
    report("info", `${at}.ping`, "`ping` is accepted for compatibility and has no effect", fields.get("ping")?.line);
  }

  const isDefault = isDefaultFlag || prefix === "";
  if (diagnostics.slice(before).some((d) => d.severity === "error")) return undefined;
  const hub = prefix === "docker.io";
  const namespace = defaultNamespace ?? (hub ? "library" : undefined);
  const rate = limit ?? (hub && limitText === undefined ? DOCKER_HUB_LIMIT : undefined);
  const endpoint: RegistryEndpoint = {
    name: name!,
    prefix,
    apiUrl: apiUrl!,
    ...(namespace ? { defaultNamespace: namespace } : {}),
    ...(credentials ? { credentials } : {}),
    ...(credentialsExpireMs ? { credentialsExpireMs } : {}),
    tagSortMode,
    insecure,
    ...(caFile ? { caFile } : {}),
    ...(caData ? { caData } : {}),
    ...(rate ? { limit: rate } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(maxTags ? { maxTags } : {}),
    isDefault,
  };
  const lines = new Map<string, number | undefined>([...fields].map(([key, field]) => [key, field.line]));
  return { endpoint, lines, line: entryLine };
}

/** Text of a scalar node (keys are compared as text). */
export function scalarText(node: unknown): string {
  return isScalar(node) ? String((node as Scalar).value) : String(node);
}

/** True for an empty or null plain scalar (`key:`, `key: ~`, `key: null`). */
export function isBlank(node: Scalar): boolean {
  const value = String(node.value);
  return (
    node.type === "PLAIN" && (value === "" || value === "~" || value === "null" || value === "Null" || value === "NULL")
  );
}
