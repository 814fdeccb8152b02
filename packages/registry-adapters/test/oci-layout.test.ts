import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  describeRegistryConformance,
  REGISTRY_SEED,
  type RegistrySeed,
  skipResilienceCases,
} from "@image-updater/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { createOciLayoutClient, tagOfRefName } from "../src/index.js";
import { writeLayouts } from "./layout-writer.js";

const dirs: string[] = [];
async function freshRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "oci-layout-"));
  dirs.push(dir);
  return dir;
}
async function cleanup(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
afterEach(cleanup);

describeRegistryConformance(
  "oci-layout",
  {
    contentAddressed: true,
    async create(seed: RegistrySeed) {
      const root = await freshRoot();
      await writeLayouts(root, seed);
      return { client: createOciLayoutClient({ root }), registry: "layout.local" };
    },
    cleanup,
  },
  { skip: skipResilienceCases("files do not rate-limit, time out or answer 5xx") },
);

describe("oci-layout specifics", () => {
  it.each([
    ["1.0.0", "1.0.0"],
    ["registry.test/org/app:1.0.0", "1.0.0"],
    ["127.0.0.1:5000/org/app:v2", "v2"],
    ["org/app", undefined],
  ])("reads the tag of ref name %s as %s", (value, tag) => {
    expect(tagOfRefName(value)).toBe(tag);
  });

  it("flattens an index nested inside the tagged index", async () => {
    const root = await freshRoot();
    await writeLayouts(root, REGISTRY_SEED, { wrap: true });
    const client = createOciLayoutClient({ root });
    const repo = { registry: "layout.local", repository: "conformance/app" };

    const multi = await client.getMetadata(repo, "2.0.0", { platforms: [{ os: "linux", architecture: "arm64" }] });
    const single = await client.getMetadata(repo, "1.0.0");

    expect(multi?.kind).toBe("oci-index");
    expect(multi?.children?.map((c) => c.platform)).toEqual([{ os: "linux", architecture: "arm64", variant: "v8" }]);
    expect(single?.children?.map((c) => [c.kind, c.createdAt?.toISOString()])).toEqual([
      ["oci-manifest", "2024-01-01T00:00:00.000Z"],
    ]);
  });

  it("serves <root>/<registry>/<repository> before <root>/<repository>", async () => {
    const root = await freshRoot();
    await writeLayouts(join(root, "registry.test"), { "org/app": [{ tags: ["only-here"] }] });
    await writeLayouts(root, { "org/app": [{ tags: ["generic"] }] });
    const client = createOciLayoutClient({ root });

    expect(await client.listTags({ registry: "registry.test", repository: "org/app" })).toEqual(["only-here"]);
    expect(await client.listTags({ registry: "other.test", repository: "org/app" })).toEqual(["generic"]);
  });

  it.each(["../escape", "org/../../etc", "/abs"])("treats the repository name %s as not found", async (repository) => {
    const client = createOciLayoutClient({ root: await freshRoot() });

    await expect(client.listTags({ registry: "r", repository })).rejects.toMatchObject({ code: "REGISTRY_NOT_FOUND" });
  });
});
