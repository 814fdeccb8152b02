/**
 * `registries.conf`: the registry list argocd-image-updater reads from its ConfigMap. Parsed strictly
 * (unknown keys are errors, with their line), with Go YAML booleans and Go durations, into resolved
 * {@link RegistryEndpoint}s.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument } from "yaml";
import type { RegistryEndpoint } from "../registry/types.js";
import type { Diagnostic } from "./diagnostic.js";
import { DOCKER_HUB_LIMIT, isBlank, parseRegistryEntry, scalarText } from "./registry-entry.js";

/** Docker Hub, as argocd-image-updater configures it when `registries.conf` does not. */
export const DOCKER_HUB_ENDPOINT: RegistryEndpoint = {
  name: "Docker Hub",
  prefix: "docker.io",
  apiUrl: "https://registry-1.docker.io",
  defaultNamespace: "library",
  tagSortMode: "none",
  insecure: false,
  limit: DOCKER_HUB_LIMIT,
  isDefault: true,
};

/** Result of {@link parseRegistriesConf}. */
export interface RegistriesConfResult {
  /** Valid entries in file order; entries with an invalid value are left out. */
  readonly endpoints: readonly RegistryEndpoint[];
  readonly diagnostics: readonly Diagnostic[];
}

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
    const parsed = parseRegistryEntry(item, { at, lineOf }, diagnostics);
    if (parsed === undefined) return;
    const { endpoint } = parsed;
    const id = `${at} (${endpoint.name})`;
    if (endpoint.isDefault && defaultAt !== undefined) {
      const noPrefix = endpoint.prefix === "";
      report(
        "error",
        `${at}.${noPrefix ? "prefix" : "default"}`,
        `cannot set registry \`${endpoint.name}\` as default - only one default registry allowed (\`${defaultAt}\` already is); ${noPrefix ? "give it a `prefix:`" : "remove `default: yes`"}`,
        parsed.lines.get("default") ?? parsed.line,
      );
      return;
    }
    if (endpoint.prefix !== "" && prefixes.has(endpoint.prefix)) {
      report(
        "error",
        `${at}.prefix`,
        `prefix \`${endpoint.prefix}\` is already served by \`${prefixes.get(endpoint.prefix)}\`; merge the two entries`,
        parsed.lines.get("prefix"),
      );
      return;
    }
    if (endpoint.isDefault) defaultAt = id;
    if (endpoint.prefix !== "") prefixes.set(endpoint.prefix, id);
    endpoints.push(endpoint);
  });
  return { endpoints, diagnostics };
}
