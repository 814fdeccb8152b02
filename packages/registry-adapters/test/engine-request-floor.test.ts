/**
 * What one engine cycle costs at a real docker-registry, counted per HTTP request: the floor each strategy can
 * reach, with the engine (not a hand-written loop) choosing the calls.
 */
import { cleanupBench, pushImages, type RegistryServer, startRegistry } from "@image-updater/bench";
import { type Application, createUpdater, type RegistryHttpRequest, withRegistryPolicies } from "@image-updater/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciRegistryClient } from "../src/index.js";
import { benchEndpoint } from "./harness.js";

const PREFIX = "argocd-image-updater.argoproj.io";

/** `tracked` is the tag part of `image-list` (the digest strategy's tag, or a semver constraint). */
function app(name: string, image: string, tracked: string, running: string, strategy: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: `app=${image}${tracked === "" ? "" : `:${tracked}`}`,
      [`${PREFIX}/app.update-strategy`]: strategy,
    },
    spec: { source: { repoURL: "https://git.example/repo.git", path: name, kustomize: {} } },
    status: { summary: { images: [`${image}:${running}`] } },
  };
}

let registry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry();
  for (const repository of ["team/api", "team/web"]) {
    await pushImages(registry, repository, [
      { tags: ["1.0.0"], created: "2026-01-01T00:00:00Z" },
      { tags: ["1.1.0", "latest"], created: "2026-02-01T00:00:00Z" },
    ]);
  }
}, 120_000);
afterAll(async () => {
  await registry?.stop();
  await cleanupBench();
});

async function cycle(applications: readonly Application[]) {
  const requests: RegistryHttpRequest[] = [];
  const client = withRegistryPolicies(
    createOciRegistryClient({
      endpoints: [benchEndpoint(registry.host, registry.url)],
      onRequest: (event) => requests.push(event),
    }),
  );
  const updater = createUpdater({
    source: { id: "floor", list: async () => applications },
    registry: client,
    endpoints: [benchEndpoint(registry.host, registry.url)],
    dryRun: true,
  });
  try {
    const result = await updater.runOnce();
    const count = (kind: string, method?: string) =>
      requests.filter((r) => r.kind === kind && (method === undefined || r.method === method)).length;
    return { result, listings: count("tags"), heads: count("manifest", "HEAD"), all: requests.length };
  } finally {
    await updater.dispose();
  }
}

describe("registry requests of an engine cycle", () => {
  it("the digest strategy costs one HEAD per tracked tag and no listing", async () => {
    const applications = Array.from({ length: 10 }, (_, i) =>
      app(`d${i}`, `${registry.host}/team/${i % 2 === 0 ? "api" : "web"}`, "latest", "latest", "digest"),
    );

    const { result, listings, heads, all } = await cycle(applications);

    expect(result.imagesUpdated).toBe(10);
    expect({ listings, heads, all }).toEqual({ listings: 0, heads: 2, all: 2 });
  });

  it("a digest image whose repository another image lists shares that listing; nothing is listed twice", async () => {
    const applications = [
      app("digest", `${registry.host}/team/api`, "latest", "latest", "digest"),
      app("semver", `${registry.host}/team/api`, "", "1.0.0", "semver"),
    ];

    const { result, listings, heads } = await cycle(applications);

    expect(result.imagesUpdated).toBe(2);
    expect({ listings, heads }).toEqual({ listings: 1, heads: 1 });
  });

  it("a tracked tag the registry does not have is still reported from the listing", async () => {
    const { result, listings } = await cycle([
      app("gone", `${registry.host}/team/api`, "nightly", "nightly", "digest"),
    ]);

    expect(listings).toBe(1);
    expect(result.imagesUpdated).toBe(0);
  });
});
