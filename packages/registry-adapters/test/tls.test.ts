/** TLS settings of an endpoint (`insecure`, `ca_file`, `ca_data`) against a loopback HTTPS server. */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSelfSignedCertificate } from "@image-updater/bench";
import type { RegistryEndpoint } from "@image-updater/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciRegistryClient } from "../src/index.js";

let dir = "";
let server: Server | undefined;
let host = "";
let cert = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tls-"));
  // A self-signed certificate for 127.0.0.1: trusted only when given as the endpoint's CA.
  const made = await createSelfSignedCertificate(dir, { commonName: "127.0.0.1", days: 1, ipAddress: "127.0.0.1" });
  cert = made.certificate;
  const key = made.key;
  // Serves one tag list: enough to prove the TLS handshake, which is all this file tests.
  const https = createServer({ key, cert }, (request, response) => {
    if (request.url?.startsWith("/v2/team/app/tags/list")) {
      response.writeHead(200, { "content-type": "application/json" }).end('{"name":"team/app","tags":["1.0.0"]}');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  server = https;
  host = `127.0.0.1:${(https.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function endpoint(extra: Partial<RegistryEndpoint>): RegistryEndpoint {
  return {
    name: "tls",
    prefix: host,
    apiUrl: `https://${host}`,
    tagSortMode: "none",
    insecure: false,
    isDefault: false,
    ...extra,
  };
}

async function listWith(extra: Partial<RegistryEndpoint>): Promise<readonly string[]> {
  const client = createOciRegistryClient({ endpoints: [endpoint(extra)] });
  try {
    return await client.listTags({ registry: host, repository: "team/app" });
  } finally {
    await client.dispose?.();
  }
}

describe("TLS", () => {
  it.each([
    ["ca_data", () => ({ caData: cert })],
    ["ca_file", () => ({ caFile: join(dir, "cert-cert.pem") })],
    ["insecure", () => ({ insecure: true })],
  ])("trusts a private certificate with %s", async (_name, extra) => {
    expect(await listWith(extra())).toEqual(["1.0.0"]);
  });

  it("refuses an untrusted certificate with a retryable REGISTRY_UNAVAILABLE", async () => {
    await expect(listWith({})).rejects.toMatchObject({ code: "REGISTRY_UNAVAILABLE" });
  });

  it("rejects CONFIG_INVALID when ca_file cannot be read", async () => {
    await expect(listWith({ caFile: join(dir, "missing.pem") })).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
