/**
 * `registries.conf`: the registry list argocd-image-updater reads from its ConfigMap. Parsed strictly
 * (unknown keys are errors, with their line), with Go YAML booleans and Go durations, into resolved
 * {@link RegistryEndpoint}s.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, type Scalar } from "yaml";
import type { RegistryEndpoint, TagSortMode } from "../registry/types.js";
import { parseCredentialReference } from "./credentials.js";
import type { Diagnostic } from "./diagnostic.js";
import { parseGoDuration } from "./duration.js";

/** Docker Hub, as argocd-image-updater configures it when `registries.conf` does not. */
export const DOCKER_HUB_ENDPOINT: RegistryEndpoint = {
  name: "Docker Hub",
  prefix: "docker.io",
  apiUrl: "https://registry-1.docker.io",
  defaultNamespace: "library",
  tagSortMode: "none",
  insecure: false,
  limit: 10,
  isDefault: true,
};

/** Result of {@link parseRegistriesConf}. */
export interface RegistriesConfResult {
  /** Valid entries in file order; entries with an invalid value are left out. */
  readonly endpoints: readonly RegistryEndpoint[];
  readonly diagnostics: readonly Diagnostic[];
}

const FIELDS = [
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
  "default",
] as const;
const TAG_SORT_MODES: readonly TagSortMode[] = ["none", "latest-first", "latest-last"];
const GO_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const GO_FALSE = new Set(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);

/**
 * Parses `registries.conf` text. Never throws. Rules, following argocd-image-updater:
 * - `name` and `api_url` are required; `api_url` loses trailing `/`; an entry with an invalid value is
 *   left out, an unknown key is an error and ignored.
 * - Booleans follow Go's YAML: `yes`/`no`, `on`/`off`, `true`/`false`, `y`/`n`.
 * - `credsexpire` is a Go duration (`10h`, `1h30m`); `limit` is requests per second (≤ 0: unlimited).
 * - An entry for `docker.io` gets Docker Hub's defaults where it sets nothing: `defaultns: library`, limit 10.
 * - At most one default registry: `default: yes`, or an entry without `prefix`.
 * Diagnostics carry the `line` and a key like `registries[2].limit`. Callers that must match
 * argocd-image-updater v1 treat any error as fatal.
 */
export function parseRegistriesConf(text: string): RegistriesConfResult {
  const lines = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const doc = parseDocument(String(text), {
    lineCounter: lines,
    schema: "failsafe",
    uniqueKeys: true,
    prettyErrors: false,
  });
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  const report = (severity: Diagnostic["severity"], key: string, message: string, line?: number): void => {
    diagnostics.push({ severity, key, message, ...(line ? { line } : {}) });
  };
  for (const error of doc.errors) {
    report(
      "error",
      "registries.conf",
      `YAML syntax error: ${error.message.split("\n")[0]}`,
      lines.linePos(error.pos[0]).line || undefined,
    );
  }
  if (doc.errors.length > 0) return { endpoints: [], diagnostics };

  const root = doc.contents;
  if (root === null || (isScalar(root) && isBlank(root))) return { endpoints: [], diagnostics };
  if (!isMap(root)) {
    report(
      "error",
      "registries.conf",
      "the file is a map with one key, `registries:`, holding a list of registries",
      lineOf(root),
    );
    return { endpoints: [], diagnostics };
  }
  let list: Node | null = null;
  for (const pair of root.items as Pair<Node, Node | null>[]) {
    const key = scalarText(pair.key);
    if (key === "registries") list = pair.value;
    else report("error", String(key), `unknown key \`${key}\`; the file has only \`registries:\``, lineOf(pair.key));
  }
  if (list === null || (isScalar(list) && isBlank(list))) return { endpoints: [], diagnostics };
  if (!isSeq(list)) {
    report("error", "registries", "`registries:` holds a list: `- name: …` entries", lineOf(list));
    return { endpoints: [], diagnostics };
  }

  const endpoints: RegistryEndpoint[] = [];
  let defaultAt: string | undefined;
  const prefixes = new Map<string, string>();
  list.items.forEach((item, index) => {
    const at = `registries[${index}]`;
    if (!isMap(item)) {
      report(
        "error",
        at,
        "each registry is a map with `name:`, `api_url:` and optional settings",
        lineOf(item as Node),
      );
      return;
    }
    const fields = new Map<string, { value: Node | null; line: number | undefined }>();
    for (const pair of item.items as Pair<Node, Node | null>[]) {
      const key = String(scalarText(pair.key));
      if (!(FIELDS as readonly string[]).includes(key)) {
        report(
          "error",
          `${at}.${key}`,
          `unknown key \`${key}\`; registry keys are ${FIELDS.map((f) => `\`${f}\``).join(", ")}`,
          lineOf(pair.key),
        );
        continue;
      }
      fields.set(key, { value: pair.value, line: lineOf(pair.key) });
    }
    const entryLine = lineOf(item);
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
      if (
        url === undefined ||
        (url.protocol !== "https:" && url.protocol !== "http:") ||
        url.username ||
        url.password
      ) {
        fail(
          "api_url",
          `\`${apiUrlText}\` is not a registry URL; write \`https://<host>[:port]\` (no credentials in the URL)`,
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
        fail(
          "tagsortmode",
          `unknown tag sort mode \`${sortText}\`; write \`none\`, \`latest-first\` or \`latest-last\``,
        );
    }

    const limitText = text("limit")?.trim();
    let limit: number | undefined;
    if (limitText !== undefined) {
      if (!/^[+-]?\d+$/.test(limitText))
        fail("limit", `\`${limitText}\` is not a whole number of requests per second; write e.g. \`limit: 10\``);
      else if (Number(limitText) > 0) limit = Number(limitText);
    }

    const caFile = text("ca_file")?.trim();
    const caData = text("ca_data");
    if (caData !== undefined && !caData.includes("-----BEGIN CERTIFICATE-----")) {
      fail("ca_data", "`ca_data` holds PEM certificates (`-----BEGIN CERTIFICATE-----` …)");
    }
    const defaultNamespace = text("defaultns")?.trim();

    if (apiUrl?.startsWith("http://") && !insecure) {
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
    if (diagnostics.slice(before).some((d) => d.severity === "error")) return;
    if (isDefault && defaultAt !== undefined) {
      report(
        "error",
        `${at}.${prefix === "" ? "prefix" : "default"}`,
        `cannot set registry \`${name}\` as default - only one default registry allowed (\`${defaultAt}\` already is); ${prefix === "" ? "give it a `prefix:`" : "remove `default: yes`"}`,
        fields.get("default")?.line ?? entryLine,
      );
      return;
    }
    if (prefix !== "" && prefixes.has(prefix)) {
      report(
        "error",
        `${at}.prefix`,
        `prefix \`${prefix}\` is already served by \`${prefixes.get(prefix)}\`; merge the two entries`,
        fields.get("prefix")?.line,
      );
      return;
    }
    if (isDefault) defaultAt = `${at} (${name})`;
    if (prefix !== "") prefixes.set(prefix, `${at} (${name})`);
    const hub = prefix === "docker.io";
    const namespace = defaultNamespace ?? (hub ? "library" : undefined);
    const rate = limit ?? (hub && limitText === undefined ? DOCKER_HUB_ENDPOINT.limit : undefined);
    endpoints.push({
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
      isDefault,
    });
  });
  return { endpoints, diagnostics };
}

function scalarText(node: unknown): string {
  return isScalar(node) ? String((node as Scalar).value) : String(node);
}

function isBlank(node: Scalar): boolean {
  const value = String(node.value);
  return (
    node.type === "PLAIN" && (value === "" || value === "~" || value === "null" || value === "Null" || value === "NULL")
  );
}
