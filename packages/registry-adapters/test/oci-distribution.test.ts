import { cleanupBench, type RegistryServer, startRegistry } from "@image-updater/bench";
import { describeRegistryConformance, type RegistrySeed, skipResilienceCases } from "@image-updater/conformance";
import { createRegistryRouter, type RegistryClient } from "@image-updater/core";
import { afterAll } from "vitest";
import { createOciRegistryClient, type OciRegistryClientOptions } from "../src/index.js";
import { benchEndpoint, pushSeed } from "./harness.js";

afterAll(cleanupBench);

/** One real docker-registry per auth mode, seeded once; every case gets a fresh client. */
function realRegistryHarness(
  auth: "none" | "basic" | "token",
  build: (options: OciRegistryClientOptions) => RegistryClient = createOciRegistryClient,
) {
  let registry: Promise<RegistryServer> | undefined;
  afterAll(async () => (await registry)?.stop());
  return {
    contentAddressed: true,
    async create(seed: RegistrySeed) {
      registry ??= startRegistry({ auth }).then(async (server) => {
        await pushSeed(server, seed);
        return server;
      });
      const server = await registry;
      const credentials =
        server.username !== undefined && server.password !== undefined
          ? { [server.host]: { username: server.username, password: server.password } }
          : undefined;
      const client = build({
        endpoints: [benchEndpoint(server.host, server.url)],
        ...(credentials ? { credentials } : {}),
      });
      return { client, registry: server.host };
    },
  };
}

const REAL = {
  skip: skipResilienceCases("docker-registry cannot be made to fail on demand; the scripted registry covers these"),
};
describeRegistryConformance("oci-distribution (docker-registry, anonymous)", realRegistryHarness("none"), REAL);
describeRegistryConformance("oci-distribution (docker-registry, basic auth)", realRegistryHarness("basic"), REAL);
describeRegistryConformance("oci-distribution (docker-registry, token auth)", realRegistryHarness("token"), REAL);
describeRegistryConformance(
  "oci-distribution behind createRegistryRouter (docker-registry, token auth)",
  realRegistryHarness("token", (options) =>
    createRegistryRouter({
      endpoints: options.endpoints ?? [],
      clientFor: (endpoint) => createOciRegistryClient({ ...options, endpoints: [endpoint] }),
    }),
  ),
  REAL,
);
