import { toPlatform } from "@image-updater/bench";
import { describeRegistryConformance, type RegistrySeed, skipResilienceCases } from "@image-updater/conformance";
import { describe, expect, it } from "vitest";
import { createInMemoryRegistryClient, type InMemoryImage } from "../src/index.js";

function imagesOf(seed: RegistrySeed): InMemoryImage[] {
  return Object.entries(seed).flatMap(([repository, specs]) =>
    specs.map((spec) => ({
      repository,
      tags: spec.tags,
      format: spec.format ?? "oci",
      platforms: (spec.platforms ?? ["linux/amd64"]).map(toPlatform),
      createdAt: spec.created ?? "2024-01-01T00:00:00Z",
      labels: spec.labels ?? {},
    })),
  );
}

describeRegistryConformance(
  "in-memory",
  {
    async create(seed) {
      return { client: createInMemoryRegistryClient({ images: imagesOf(seed) }), registry: "memory.test" };
    },
  },
  { skip: skipResilienceCases("memory does not fail") },
);

describe("in-memory specifics", () => {
  const repo = { registry: "memory.test", repository: "org/app" };

  it("moves a tag to a newly pushed image and counts calls", async () => {
    const client = createInMemoryRegistryClient({ images: [{ repository: "org/app", tags: ["latest", "1.0"] }] });
    const before = await client.getDigest(repo, "latest");

    const pushed = client.push({ repository: "org/app", tags: ["latest"], revision: "rebuild" });

    expect(await client.getDigest(repo, "latest")).toBe(pushed);
    expect(pushed).not.toBe(before);
    expect(await client.getDigest(repo, "1.0")).toBe(before);
    expect(client.calls.getDigest).toBe(3);
  });

  it("serves an image without a registry for any registry, and one with a registry only there", async () => {
    const client = createInMemoryRegistryClient({
      images: [
        { repository: "org/app", tags: ["any"] },
        { registry: "ghcr.io", repository: "org/app", tags: ["ghcr-only"] },
      ],
    });

    expect(await client.listTags({ registry: "ghcr.io", repository: "org/app" })).toEqual(["ghcr-only"]);
    expect(await client.listTags(repo)).toEqual(["any"]);
  });

  it("removes a tag", async () => {
    const client = createInMemoryRegistryClient({ images: [{ repository: "org/app", tags: ["a", "b"] }] });

    expect(client.removeTag(repo, "a")).toBe(true);
    expect(await client.listTags(repo)).toEqual(["b"]);
  });
});
