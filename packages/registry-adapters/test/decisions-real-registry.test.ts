/**
 * Decisions made over the OCI client against a real docker-registry: the cases where what the registry holds
 * (a deleted tag, images that record no variant) decides what core's strategies may choose.
 */

import { cleanupBench, pushImages, type RegistryServer, startRegistry } from "@image-updater/bench";
import { decideUpdate, type ImageRepository, type Platform, parsePlatform } from "@image-updater/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciRegistryClient } from "../src/index.js";
import { benchEndpoint } from "./harness.js";

let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
  await cleanupBench();
});

function client() {
  return createOciRegistryClient({ endpoints: [benchEndpoint(registry.host, registry.url)] });
}

function platform(text: string): Platform {
  const parsed = parsePlatform(text).value;
  if (parsed === undefined) throw new Error(`bad platform ${text}`);
  return parsed;
}

async function decide(repository: string, current: string, extra: { allowDowngrade?: boolean; platforms?: string[] }) {
  const oci = client();
  const repo: ImageRepository = { registry: registry.host, repository };
  const platforms = (extra.platforms ?? []).map(platform);
  return decideUpdate({
    current: { tag: current },
    strategy: "newest-build",
    tags: await oci.listTags(repo),
    platforms,
    ...(extra.allowDowngrade === undefined ? {} : { allowDowngrade: extra.allowDowngrade }),
    metadata: { get: (tag) => oci.getMetadata(repo, tag, { platforms }) },
  });
}

describe("newest-build when the running tag was deleted from the registry", () => {
  it("chooses nothing below it, and says the running tag vanished", async () => {
    const pushed = await pushImages(
      registry,
      "team/builds",
      [3, 4, 5].map((n) => ({ tags: [`build-${n}`], created: `2024-01-0${n}T00:00:00Z` })),
    );
    const deleted = await fetch(`${registry.url}/v2/team/builds/manifests/${pushed[2]?.digest}`, { method: "DELETE" });
    expect(deleted.status).toBe(202);

    const guarded = await decide("team/builds", "build-5", {});
    const allowed = await decide("team/builds", "build-5", { allowDowngrade: true });

    expect(guarded.tagsFound).toBe(2);
    expect(guarded).toMatchObject({ kind: "none", vanished: "build-5" });
    expect(guarded.tag).toBeUndefined();
    expect(guarded.warnings).toEqual([expect.objectContaining({ setting: "current" })]);
    expect(allowed).toMatchObject({ kind: "update", tag: "build-4", vanished: "build-5" });
  });
});

describe("platform matching: core's rule in the OCI client", () => {
  it("`linux/arm64/v8` picks arm64 images that record no variant, single and in an index", async () => {
    await pushImages(registry, "team/arm", [
      { tags: ["1"], platforms: ["linux/arm64"], created: "2024-02-01T00:00:00Z" },
      { tags: ["2"], platforms: ["linux/amd64", "linux/arm64"], created: "2024-02-02T00:00:00Z" },
      { tags: ["3"], platforms: ["linux/amd64"], created: "2024-02-03T00:00:00Z" },
    ]);

    const decision = await decide("team/arm", "1", { platforms: ["linux/arm64/v8"] });

    expect(decision).toMatchObject({ kind: "update", tag: "2" });
    expect(decision.considered.find((entry) => entry.tag === "3")).toMatchObject({ kept: false, reason: "platform" });
  });
});
