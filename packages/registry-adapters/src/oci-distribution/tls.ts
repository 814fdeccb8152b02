/** Connection pools per endpoint: the shared default, or one with the endpoint's TLS settings. */
import { readFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import { ImageUpdaterError, type RegistryEndpoint } from "@image-updater/core";
import { Agent } from "undici";
import { agentTimeouts } from "./http.js";

/** True when the endpoint needs its own TLS settings. */
export function needsOwnAgent(endpoint: RegistryEndpoint): boolean {
  return endpoint.insecure || endpoint.caFile !== undefined || endpoint.caData !== undefined;
}

/**
 * An agent for `endpoint`: `insecure` skips certificate checks; `ca_file`/`ca_data` are trusted in addition to
 * the system roots (a private CA should not make public registries untrusted).
 */
export async function createEndpointAgent(endpoint: RegistryEndpoint, stallMs: number): Promise<Agent> {
  let ca: string | undefined = endpoint.caData;
  if (ca === undefined && endpoint.caFile !== undefined) {
    try {
      ca = await readFile(endpoint.caFile, "utf8");
    } catch (cause) {
      throw new ImageUpdaterError(
        "CONFIG_INVALID",
        `[oci-distribution] registry ${endpoint.name}: ca_file ${endpoint.caFile} cannot be read`,
        { cause },
      );
    }
  }
  const { connectTimeout, ...timeouts } = agentTimeouts(stallMs);
  return new Agent({
    ...timeouts,
    connect: {
      timeout: connectTimeout,
      ...(ca === undefined ? {} : { ca: [...rootCertificates, ca] }),
      ...(endpoint.insecure ? { rejectUnauthorized: false } : {}),
    },
  });
}
