import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PushedImage, pushImages, type RegistryServer, startRegistry } from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import { createOciLayoutWriter } from "../src/demo/oci-layout-writer.js";

const CREDENTIALS_VARIABLE = "IMAGE_UPDATER_TEST_COMMAND_CREDENTIALS";

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

let registry: RegistryServer;
let dir: string;
let conf: string;
let pushed: PushedImage[];
beforeAll(async () => {
  registry = await startRegistry({ auth: "token" });
  dir = await mkdtemp(join(tmpdir(), "daemon-test-command-"));
  pushed = await pushImages(
    { url: registry.url, username: registry.username, password: registry.password },
    "myorg/myapp",
    [
      { tags: ["1.0.0"], created: "2026-01-01T01:00:00Z", layerSeed: "a" },
      { tags: ["1.2.3"], created: "2026-01-01T02:00:00Z", layerSeed: "b" },
      { tags: ["1.2.4-beta"], created: "2026-01-01T03:00:00Z", layerSeed: "c" },
      { tags: ["1.3.0"], created: "2026-01-01T04:00:00Z", layerSeed: "d", platforms: ["linux/amd64", "linux/arm64"] },
      { tags: ["abc1234"], created: "2026-01-01T05:00:00Z", layerSeed: "e" },
    ],
  );
  conf = join(dir, "registries.conf");
  await writeFile(
    conf,
    `registries:
- name: bench
  prefix: ${registry.host}
  api_url: ${registry.url}
  insecure: yes
`,
  );
  process.env[CREDENTIALS_VARIABLE] = `${registry.username}:${registry.password}`;
});
afterAll(async () => {
  delete process.env[CREDENTIALS_VARIABLE];
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("image-updater test --output json against a real registry with token auth", () => {
  function run(extra: string[], image = `${registry.host}/myorg/myapp`) {
    return cli([
      "test",
      image,
      "--registries-conf-path",
      conf,
      "--credentials",
      `env:${CREDENTIALS_VARIABLE}`,
      "--platforms",
      "linux/amd64",
      "--output",
      "json",
      ...extra,
    ]);
  }

  it.each([
    ["semver", [], "1.3.0"],
    ["semver with a constraint", ["--semver-constraint", "~1.2"], "1.2.3"],
    ["semver with allow-tags", ["--allow-tags", "regexp:^1\\.2\\."], "1.2.3"],
    ["newest-build", ["--update-strategy", "newest-build"], "abc1234"],
    ["newest-build ignoring the commit build", ["--update-strategy", "latest", "--ignore-tags", "abc*"], "1.3.0"],
    ["alphabetical", ["--update-strategy", "alphabetical"], "abc1234"],
    ["semver with no match", ["--semver-constraint", "^2.0"], null],
  ])("%s picks %s", async (_, extra, tag) => {
    const result = await run(extra);

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(["image", "strategy", "tag", "digest", "tagsFound", "considered"]);
    expect(json).toMatchObject({ image: `${registry.host}/myorg/myapp`, tag, tagsFound: 5 });
  });

  it("explains every tag", async () => {
    const result = await run(["--allow-tags", "regexp:^[0-9]+\\.[0-9]+\\.[0-9]+$"]);

    const considered = JSON.parse(result.stdout).considered as { tag: string }[];

    expect(considered.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual([
      { tag: "1.0.0", kept: true, reason: "allowed" },
      { tag: "1.2.3", kept: true, reason: "allowed" },
      { tag: "1.2.4-beta", kept: false, reason: "allow-tags" },
      { tag: "1.3.0", kept: true, reason: "allowed" },
      { tag: "abc1234", kept: false, reason: "allow-tags" },
    ]);
  });

  it("digest tracks the image's tag and reports the digest it points at", async () => {
    const result = await run(["--update-strategy", "digest"], `${registry.host}/myorg/myapp:1.3.0`);

    expect(JSON.parse(result.stdout)).toMatchObject({
      strategy: "digest",
      tag: "1.3.0",
      digest: pushed[3]?.digest,
    });
  });

  it("prints the reference's lines as text", async () => {
    const result = await cli([
      "test",
      `${registry.host}/myorg/myapp`,
      "--registries-conf-path",
      conf,
      "--credentials",
      `env:${CREDENTIALS_VARIABLE}`,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('msg="Found 5 tags in registry"');
    expect(result.stdout).toContain(`msg="latest image according to constraint is ${registry.host}/myorg/myapp:1.3.0"`);
    expect(result.stdout + result.stderr).not.toContain(registry.password ?? "never");
  });

  it("exits 1 with REGISTRY_AUTH without credentials", async () => {
    const result = await cli(["test", `${registry.host}/myorg/myapp`, "--registries-conf-path", conf]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("code=REGISTRY_AUTH");
  });

  it("exits 2 for an invalid constraint", async () => {
    const result = await run(["--semver-constraint", ">>>"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a valid version constraint");
  });
});

describe("image-updater test over an OCI image layout (registries.conf api_url file://)", () => {
  it("reads the layout and says when nothing qualifies", async () => {
    const root = join(dir, "layouts");
    const writer = await createOciLayoutWriter(join(root, "docker.io", "myorg", "myapp"));
    await writer.push({ tag: "1.0.0", created: new Date("2026-01-01T00:00:00Z") });
    await writer.push({ tag: "1.1.0", created: new Date("2026-01-02T00:00:00Z") });
    const layoutConf = join(dir, "layout.conf");
    await writeFile(layoutConf, `registries:\n- name: layout\n  prefix: docker.io\n  api_url: file://${root}\n`);

    const found = await cli(["test", "myorg/myapp", "--registries-conf-path", layoutConf, "--output", "json"]);
    const none = await cli(["test", "myorg/myapp", "--registries-conf-path", layoutConf, "--semver-constraint", "^2"]);

    expect(JSON.parse(found.stdout)).toMatchObject({ image: "docker.io/myorg/myapp", tag: "1.1.0", tagsFound: 2 });
    expect(none.stdout).toContain('msg="no newer version of image found"');
  });

  it("exits 1 naming the line of an invalid registries.conf", async () => {
    const bad = join(dir, "bad.conf");
    await writeFile(bad, "registries:\n- name: broken\n  prefix: docker.io\n  api_url: ftp://nowhere\n");

    const result = await cli(["test", "myorg/myapp", "--registries-conf-path", bad]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/registries\.conf:4: .*api_url|registries\.conf:\d+:/);
  });
});
