import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
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

  /** `test` on the bench image with text output. */
  function runText(extra: string[] = []) {
    return cli([
      "test",
      `${registry.host}/myorg/myapp`,
      "--registries-conf-path",
      conf,
      "--credentials",
      `env:${CREDENTIALS_VARIABLE}`,
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
    expect(Object.keys(json)).toEqual([
      "image",
      "strategy",
      "kind",
      "tag",
      "digest",
      "tagsFound",
      "considered",
      "message",
      "warnings",
    ]);
    expect(json).toMatchObject({ image: `${registry.host}/myorg/myapp`, tag, tagsFound: 5 });
    expect(json.kind).toBe(tag === null ? "none" : "update");
    expect(json.message).toEqual(expect.any(String));
  });

  it("explains every tag", async () => {
    const result = await run(["--allow-tags", "regexp:^[0-9]+\\.[0-9]+\\.[0-9]+$"]);

    const considered = JSON.parse(result.stdout).considered as { tag: string }[];

    expect(considered.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual([
      { tag: "1.0.0", kept: true, reason: "allowed", why: expect.stringMatching(/^kept/) },
      { tag: "1.2.3", kept: true, reason: "allowed", why: expect.stringMatching(/^kept/) },
      {
        tag: "1.2.4-beta",
        kept: false,
        reason: "allow-tags",
        why: expect.stringContaining("not allowed by allow-tags"),
      },
      { tag: "1.3.0", kept: true, reason: "allowed", why: expect.stringMatching(/^kept/) },
      { tag: "abc1234", kept: false, reason: "allow-tags", why: expect.stringContaining("not allowed by allow-tags") },
    ]);
  });

  it.each([["RegExp:^1\\.2\\."], ["REGEXP:^1\\.2\\."]])("--allow-tags %s works in any case", async (allow) => {
    const result = await run(["--allow-tags", allow]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ kind: "update", tag: "1.2.3" });
  });

  it("--allow-tags ANY allows every tag", async () => {
    const result = await run(["--allow-tags", "ANY", "--update-strategy", "alphabetical"]);

    expect(JSON.parse(result.stdout)).toMatchObject({ tag: "abc1234" });
  });

  it("reports a malformed --ignore-tags glob and keeps going", async () => {
    const result = await run(["--ignore-tags", "[1.3*"]);
    const json = JSON.parse(result.stdout) as { tag: string; warnings: string[] };

    expect(result.code).toBe(0);
    expect(json.tag).toBe("1.3.0");
    expect(json.warnings).toEqual([expect.stringContaining("ignore-tags")]);
  });

  it("--extract ranks on the capture group and writes the whole tag", async () => {
    const result = await run([
      "--update-strategy",
      "numerical",
      "--extract",
      "^1\\.(?P<minor>[0-9]+)\\.",
      "--extract-group",
      "$minor",
    ]);
    const json = JSON.parse(result.stdout) as { tag: string; considered: { tag: string; reason: string }[] };

    expect(result.code).toBe(0);
    expect(json.tag).toBe("1.3.0");
    expect(json.considered.find((c) => c.tag === "abc1234")?.reason).toBe("extract");
  });

  it("--rate-limit paces the registry requests (newest-build reads every manifest)", async () => {
    const started = performance.now();
    const limited = await run(["--update-strategy", "newest-build", "--rate-limit", "2"]);
    const elapsed = performance.now() - started;

    expect(JSON.parse(limited.stdout)).toMatchObject({ tag: "abc1234" });
    // A tag listing and the metadata of 5 tags, six paced calls: at 2 per second, well over 2 s (unpaced: < 1 s).
    expect(elapsed).toBeGreaterThan(2000);
  });

  it("--sort-order desc reaches the alphabetical strategy", async () => {
    const desc = await run(["--update-strategy", "alphabetical", "--sort-order", "desc"]);

    expect(JSON.parse(desc.stdout)).toMatchObject({ tag: "1.0.0" });
  });

  it("says at info level why each tag was dropped and why the winner won", async () => {
    const result = await runText(["--semver-constraint", "~1.2"]);

    expect(result.stdout).toMatch(/msg="tag 1\.3\.0 dropped: outside the version constraint \(outside `~1\.2`\)"/);
    expect(result.stdout).toMatch(/msg="tag abc1234 dropped: the strategy cannot read it/);
    expect(result.stdout).toMatch(/latest image according to constraint is .*:1\.2\.3" .*why="1\.2\.3 is the highest/);
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
    const result = await runText();

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

describe("image-updater test when the registry cannot be reached", () => {
  it("an http registry with no registries.conf entry gets the api_url/insecure hint", async () => {
    const plain = await startRegistry({});
    try {
      const result = await cli(["test", `${plain.host}/myorg/myapp`]);

      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`api_url: http://${plain.host} and insecure: yes`);
    } finally {
      await plain.stop();
    }
  });

  it("a refused connection says ECONNREFUSED and, with no entry, hints at insecure/api_url", async () => {
    const closed = await closedPort();

    const result = await cli(["test", `127.0.0.1:${closed}/myorg/myapp`]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("ECONNREFUSED");
    expect(result.stdout).toMatch(/hint="nothing accepts connections at https:\/\/127\.0\.0\.1:\d+: .*insecure: yes"/);
  });

  it("a refused connection to a configured registry hints at its host and port only", async () => {
    const closed = await closedPort();
    const closedConf = join(dir, "closed.conf");
    await writeFile(
      closedConf,
      `registries:\n- name: gone\n  prefix: 127.0.0.1:${closed}\n  api_url: http://127.0.0.1:${closed}\n`,
    );

    const result = await cli(["test", `127.0.0.1:${closed}/myorg/myapp`, "--registries-conf-path", closedConf]);

    expect(result.stdout).toContain("ECONNREFUSED");
    expect(result.stdout).toContain("check the registry host and port");
    expect(result.stdout).not.toContain("insecure: yes");
  });
});

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

  it("--natural-sort sorts v10 after v9 for the alphabetical strategy", async () => {
    const root = join(dir, "natural");
    const writer = await createOciLayoutWriter(join(root, "docker.io", "myorg", "tool"));
    await writer.push({ tag: "v9", created: new Date("2026-01-01T00:00:00Z") });
    await writer.push({ tag: "v10", created: new Date("2026-01-02T00:00:00Z") });
    const layoutConf = join(dir, "natural.conf");
    await writeFile(layoutConf, `registries:\n- name: layout\n  prefix: docker.io\n  api_url: file://${root}\n`);
    const base = ["test", "myorg/tool", "--registries-conf-path", layoutConf, "--update-strategy", "name"];

    const bytes = await cli([...base, "--output", "json"]);
    const natural = await cli([...base, "--natural-sort", "--output", "json"]);

    expect(JSON.parse(bytes.stdout)).toMatchObject({ tag: "v9" });
    expect(JSON.parse(natural.stdout)).toMatchObject({ tag: "v10" });
  });

  it("exits 1 naming the line of an invalid registries.conf", async () => {
    const bad = join(dir, "bad.conf");
    await writeFile(bad, "registries:\n- name: broken\n  prefix: docker.io\n  api_url: ftp://nowhere\n");

    const result = await cli(["test", "myorg/myapp", "--registries-conf-path", bad]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/registries\.conf:4: .*api_url|registries\.conf:\d+:/);
  });
});
