/**
 * Picking the right entry of a `.dockerconfigjson` for a registry. Keys are written in many forms
 * (`https://index.docker.io/v1/`, `docker.io`, `ghcr.io`, `https://host:5000`); all name a host.
 */
import { isDockerHub, type RegistryCredentials } from "@image-updater/core";

/** `host[:port]` in lower case from a URL, a host or a `host/path` key; Docker Hub's names become `docker.io`. */
export function normalizeRegistryHost(value: string): string {
  const withoutScheme = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const host = (withoutScheme.split("/")[0] ?? "").toLowerCase().replace(/:443$/, "");
  return isDockerHub(host) ? "docker.io" : host;
}

interface AuthEntry {
  readonly auth?: unknown;
  readonly username?: unknown;
  readonly password?: unknown;
}

function entryCredentials(entry: AuthEntry): RegistryCredentials | null {
  if (typeof entry.username === "string" && typeof entry.password === "string" && entry.username !== "") {
    return { username: entry.username, password: entry.password };
  }
  if (typeof entry.auth !== "string") return null;
  const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon > 0 ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : null;
}

/** Result of {@link findDockerConfigAuth}: credentials, or why there are none. */
export type DockerConfigMatch =
  | { readonly found: true; readonly credentials: RegistryCredentials }
  | { readonly found: false; readonly reason: string };

/**
 * The credentials a docker config JSON holds for any of `hosts` (the image's registry and the API host).
 * Hosts compare after {@link normalizeRegistryHost}, so `https://index.docker.io/v1/` serves
 * `registry-1.docker.io` and `docker.io` alike.
 */
export function findDockerConfigAuth(json: string, hosts: readonly string[]): DockerConfigMatch {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { found: false, reason: "the secret is not valid docker config JSON" };
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (typeof auths !== "object" || auths === null) return { found: false, reason: "the secret has no auths" };
  const wanted = new Set(hosts.map(normalizeRegistryHost));
  for (const [key, entry] of Object.entries(auths as Record<string, AuthEntry>)) {
    if (!wanted.has(normalizeRegistryHost(key)) || typeof entry !== "object" || entry === null) continue;
    const credentials = entryCredentials(entry);
    if (credentials !== null) return { found: true, credentials };
  }
  return { found: false, reason: `the secret has no auths entry for ${[...wanted].join(" or ")}` };
}
