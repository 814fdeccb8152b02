import { isRecord } from "../application-object.js";
import { scanManifests } from "./manifest-files.js";
import type { DirectoryWarningHandler } from "./warnings.js";

/** A Kubernetes Secret read from a manifest, its data decoded. */
export interface SecretManifest {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `data` base64-decoded, then `stringData` on top (it wins on the same key, as in the API server). */
  readonly data: Readonly<Record<string, string>>;
}

/**
 * Every `v1` Secret under `dir`. Broken files and invalid base64 are reported through `onWarning` without
 * ever quoting a value. Rejects only when `dir` cannot be listed.
 */
export async function readSecretManifests(
  dir: string,
  defaultNamespace: string,
  onWarning?: DirectoryWarningHandler,
): Promise<SecretManifest[]> {
  const scan = await scanManifests(dir, { redactMessages: true });
  for (const warning of scan.warnings) onWarning?.(warning);
  const secrets: SecretManifest[] = [];
  for (const document of scan.documents) {
    const manifest = document.data;
    if (!isRecord(manifest) || manifest.kind !== "Secret" || manifest.apiVersion !== "v1") continue;
    const metadata = isRecord(manifest.metadata) ? manifest.metadata : {};
    if (typeof metadata.name !== "string") continue;
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : defaultNamespace;
    const data: Record<string, string> = {};
    if (isRecord(manifest.data)) {
      for (const [key, value] of Object.entries(manifest.data)) {
        const decoded = typeof value === "string" ? decodeBase64(value) : null;
        if (decoded === null) {
          onWarning?.({
            file: document.file,
            document: document.index,
            line: document.line,
            message: `Secret ${namespace}/${metadata.name} data.${key} is not valid base64; encode it or move it to stringData`,
          });
          continue;
        }
        data[key] = decoded;
      }
    }
    if (isRecord(manifest.stringData)) {
      for (const [key, value] of Object.entries(manifest.stringData)) {
        if (value !== null && value !== undefined && typeof value !== "object") data[key] = String(value);
      }
    }
    const labels: Record<string, string> = {};
    if (isRecord(metadata.labels)) {
      for (const [key, value] of Object.entries(metadata.labels)) labels[key] = String(value);
    }
    secrets.push({ namespace, name: metadata.name, labels, data });
  }
  return secrets;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (Kubernetes rejects anything else); whitespace from folded YAML is tolerated. */
function decodeBase64(value: string): string | null {
  const compact = value.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return null;
  return Buffer.from(compact, "base64").toString("utf8");
}
