import { describe, expect, it } from "vitest";
import { createMemoryRegistry } from "../src/index.js";

describe("memory registry", () => {
  const repo = { registry: "memory.test", repository: "org/app" };

  it("moves a tag to a newly pushed image and counts calls", async () => {
    const client = createMemoryRegistry({ images: [{ repository: "org/app", tags: ["latest", "1.0"] }] });
    const before = await client.getDigest(repo, "latest");

    const pushed = client.push({ repository: "org/app", tags: ["latest"], revision: "rebuild" });

    expect(await client.getDigest(repo, "latest")).toBe(pushed);
    expect(pushed).not.toBe(before);
    expect(await client.getDigest(repo, "1.0")).toBe(before);
    expect(client.calls.getDigest).toBe(3);
  });

  it("serves an image without a registry for any registry, and one with a registry only there", async () => {
    const client = createMemoryRegistry({
      images: [
        { repository: "org/app", tags: ["any"] },
        { registry: "ghcr.io", repository: "org/app", tags: ["ghcr-only"] },
      ],
    });

    expect(await client.listTags({ registry: "ghcr.io", repository: "org/app" })).toEqual(["ghcr-only"]);
    expect(await client.listTags(repo)).toEqual(["any"]);
  });

  it("removes a tag", async () => {
    const client = createMemoryRegistry({ images: [{ repository: "org/app", tags: ["a", "b"] }] });

    expect(client.removeTag(repo, "a")).toBe(true);
    expect(await client.listTags(repo)).toEqual(["b"]);
  });

  it("matches arm64/v8 against an arm64 child that records no variant, as core's platform rule says", async () => {
    const client = createMemoryRegistry({
      images: [
        {
          repository: "org/app",
          tags: ["1.0"],
          platforms: [
            { os: "linux", architecture: "amd64" },
            { os: "linux", architecture: "arm64" },
          ],
        },
      ],
    });

    const metadata = await client.getMetadata(repo, "1.0", {
      platforms: [{ os: "linux", architecture: "arm64", variant: "v8" }],
    });

    expect(metadata?.children?.map((child) => child.platform?.architecture)).toEqual(["arm64"]);
  });

  it("fails one repository on demand while the others answer, and heals", async () => {
    const client = createMemoryRegistry({
      images: [
        { repository: "org/app", tags: ["1.0"] },
        { repository: "org/other", tags: ["2.0"] },
      ],
    });
    client.fail("unavailable", "org/app");

    await expect(client.listTags(repo)).rejects.toMatchObject({ code: "REGISTRY_UNAVAILABLE", retryable: true });
    expect(await client.listTags({ ...repo, repository: "org/other" })).toEqual(["2.0"]);
    client.fail(null, "org/app");
    expect(await client.listTags(repo)).toEqual(["1.0"]);
  });

  it("rate-limits once with a Retry-After, then answers", async () => {
    const client = createMemoryRegistry({ images: [{ repository: "org/app", tags: ["1.0"] }] });
    client.fail("rate-limited-once");

    await expect(client.listTags(repo)).rejects.toMatchObject({ code: "REGISTRY_RATE_LIMITED", retryAfterMs: 1000 });
    expect(await client.listTags(repo)).toEqual(["1.0"]);
  });
});
