import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCEPT_ALL_MANIFESTS,
  cleanupBench,
  MEDIA_TYPES,
  pushImage,
  pushImages,
  type RegistryServer,
  startRegistry,
  tempDir,
} from "../src/index.js";

const exec = promisify(execFile);

interface SkopeoInspect {
  Digest: string;
  Created: string;
  Labels: Record<string, string> | null;
  Architecture: string;
  Variant?: string;
  Os: string;
}

/** Runs `skopeo inspect`; credentials go through an auth file, never the command line. */
async function skopeo(reference: string, extra: string[] = [], credentials?: string): Promise<string> {
  const args = ["inspect", "--tls-verify=false", ...extra];
  if (credentials !== undefined) {
    const authFile = join(tempDir("skopeo-auth"), "auth.json");
    const host = reference.split("/")[0] ?? "";
    await writeFile(
      authFile,
      JSON.stringify({ auths: { [host]: { auth: Buffer.from(credentials).toString("base64") } } }),
    );
    args.push("--authfile", authFile);
  }
  const { stdout } = await exec("skopeo", [...args, `docker://${reference}`]);
  return stdout;
}

async function skopeoInspect(reference: string, extra: string[] = [], credentials?: string): Promise<SkopeoInspect> {
  return JSON.parse(await skopeo(reference, extra, credentials)) as SkopeoInspect;
}

afterAll(cleanupBench);

// Real services can be slow on a loaded machine: generous timeouts, and no timing assertions.
describe("startRegistry({ auth: 'none' }) with pushImage", { timeout: 120_000 }, () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry.stop());

  it.each([
    { format: "oci" as const, indexType: MEDIA_TYPES.ociIndex, childType: MEDIA_TYPES.ociManifest },
    { format: "docker" as const, indexType: MEDIA_TYPES.dockerManifestList, childType: MEDIA_TYPES.dockerManifest },
  ])("pushes a $format multi-arch image readable by tag and by digest", async ({ format, indexType, childType }) => {
    const pushed = await pushImage(registry, `bench/${format}-multi`, {
      tags: ["1.0.0", "latest"],
      format,
      platforms: ["linux/amd64", "linux/arm64/v8"],
      created: "2025-03-04T05:06:07Z",
      labels: { "org.opencontainers.image.version": "1.0.0" },
    });

    const byTag = await fetch(`${registry.url}/v2/bench/${format}-multi/manifests/1.0.0`, {
      headers: { accept: ACCEPT_ALL_MANIFESTS },
    });
    const byDigest = await fetch(`${registry.url}/v2/bench/${format}-multi/manifests/${pushed.digest}`, {
      headers: { accept: ACCEPT_ALL_MANIFESTS },
    });
    const index = (await byTag.json()) as { manifests: { digest: string; mediaType: string; platform: object }[] };
    await byDigest.arrayBuffer();
    const arm = await skopeoInspect(`${registry.host}/bench/${format}-multi:latest`, [
      "--override-arch",
      "arm64",
      "--override-variant",
      "v8",
    ]);

    expect(byTag.status).toBe(200);
    expect(byTag.headers.get("content-type")).toBe(indexType);
    expect(byTag.headers.get("docker-content-digest")).toBe(pushed.digest);
    expect(byDigest.status).toBe(200);
    expect(pushed.mediaType).toBe(indexType);
    expect(index.manifests.map((entry) => [entry.mediaType, entry.platform])).toEqual([
      [childType, { os: "linux", architecture: "amd64" }],
      [childType, { os: "linux", architecture: "arm64", variant: "v8" }],
    ]);
    expect(pushed.children?.map((child) => child.digest)).toEqual(index.manifests.map((entry) => entry.digest));
    expect(arm).toMatchObject({
      Digest: pushed.digest,
      Created: "2025-03-04T05:06:07Z",
      Labels: { "org.opencontainers.image.version": "1.0.0" },
      Architecture: "arm64",
      Os: "linux",
    });
  });

  it.each([
    { format: "oci" as const, mediaType: MEDIA_TYPES.ociManifest },
    { format: "docker" as const, mediaType: MEDIA_TYPES.dockerManifest },
  ])("pushes a single-platform $format image with its created date and labels", async ({ format, mediaType }) => {
    const pushed = await pushImage(registry, `bench/${format}-single`, {
      tags: ["2.0.0"],
      format,
      created: "2024-06-01T00:00:00Z",
      labels: { team: "platform" },
    });

    const inspected = await skopeoInspect(`${registry.host}/bench/${format}-single:2.0.0`);

    expect(pushed.mediaType).toBe(mediaType);
    expect(pushed.children).toBeUndefined();
    expect(inspected).toMatchObject({
      Digest: pushed.digest,
      Created: "2024-06-01T00:00:00Z",
      Labels: { team: "platform" },
      Architecture: "amd64",
    });
  });

  it("pushes many tags sharing blobs, each with its own config", async () => {
    const specs = Array.from({ length: 60 }, (_, i) => ({
      tags: [`1.0.${i}`],
      created: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
    }));

    const pushed = await pushImages(registry, "bench/many", specs, { concurrency: 8 });
    const response = await fetch(`${registry.url}/v2/bench/many/tags/list`);
    const body = (await response.json()) as { tags: string[] };

    expect(new Set(pushed.map((image) => image.digest)).size).toBe(60);
    expect(body.tags.sort()).toEqual(specs.map((spec) => spec.tags[0]).sort());
  });
});

describe("startRegistry({ auth: 'basic' })", { timeout: 120_000 }, () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "basic" });
  });
  afterAll(() => registry.stop());

  it("challenges anonymous clients with Basic and serves an authorised client", async () => {
    const credentials = `${registry.username}:${registry.password}`;

    const anonymous = await fetch(`${registry.url}/v2/`);
    const wrong = await fetch(`${registry.url}/v2/`, {
      headers: { authorization: `Basic ${Buffer.from(`${registry.username}:wrong`).toString("base64")}` },
    });
    const pushed = await pushImage(registry, "bench/basic", { tags: ["1.0.0"] });
    const inspected = await skopeoInspect(`${registry.host}/bench/basic:1.0.0`, [], credentials);

    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(wrong.status).toBe(401);
    expect(inspected.Digest).toBe(pushed.digest);
  });
});

describe("startRegistry({ auth: 'token' })", { timeout: 120_000 }, () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "token" });
  });
  afterAll(() => registry.stop());

  it("sends the Docker Hub Bearer challenge and refuses anonymous access", async () => {
    const challenge = await fetch(`${registry.url}/v2/bench/token/tags/list`);
    const header = challenge.headers.get("www-authenticate") ?? "";
    const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const tokenResponse = await fetch(
      `${params.realm}?service=${encodeURIComponent(params.service ?? "")}&scope=${encodeURIComponent(params.scope ?? "")}`,
    );
    const { token, expires_in } = (await tokenResponse.json()) as { token: string; expires_in: number };
    const withAnonymousToken = await fetch(`${registry.url}/v2/bench/token/tags/list`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const anonymousPush = pushImage({ url: registry.url }, "bench/token", { tags: ["1.0.0"] });

    expect(challenge.status).toBe(401);
    expect(header).toMatch(/^Bearer /);
    expect(params).toMatchObject({ realm: registry.tokenServer?.url, scope: "repository:bench/token:pull" });
    expect(tokenResponse.status).toBe(200);
    expect(expires_in).toBe(300);
    expect(withAnonymousToken.status).toBe(401);
    await expect(anonymousPush).rejects.toThrow(/401/);
  });

  it("serves an authorised client through the token flow", async () => {
    const credentials = `${registry.username}:${registry.password}`;
    const before = registry.tokenServer?.requests ?? 0;

    const pushed = await pushImage(registry, "bench/token", {
      tags: ["1.0.0"],
      platforms: ["linux/amd64", "linux/arm64"],
    });
    const raw = await skopeo(`${registry.host}/bench/token:1.0.0`, ["--raw"], credentials);
    const wrongPassword = skopeoInspect(`${registry.host}/bench/token:1.0.0`, [], `${registry.username}:wrong`);

    expect(JSON.parse(raw)).toMatchObject({ mediaType: MEDIA_TYPES.ociIndex });
    expect(pushed.children).toHaveLength(2);
    expect((registry.tokenServer?.requests ?? 0) - before).toBeGreaterThanOrEqual(2);
    expect(registry.tokenServer?.grants.at(-1)?.subject).toBe(registry.username);
    await expect(wrongPassword).rejects.toThrow();
  });
});

describe("startRegistry({ notifications })", { timeout: 120_000 }, () => {
  it("posts a push event with the tag to the listener", async () => {
    const events: { action: string; target: { tag?: string; repository: string } }[] = [];
    const listener = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        events.push(...(JSON.parse(Buffer.concat(chunks).toString()) as { events: typeof events }).events);
        response.end();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as AddressInfo).port;
    const registry = await startRegistry({ notifications: `http://127.0.0.1:${port}/events` });

    try {
      await pushImage(registry, "bench/notified", { tags: ["3.0.0"] });
      for (let i = 0; i < 200 && !events.some((event) => event.target.tag === "3.0.0"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await registry.stop();
      await new Promise((resolve) => listener.close(resolve));
    }

    expect(events).toContainEqual(
      expect.objectContaining({
        action: "push",
        target: expect.objectContaining({ tag: "3.0.0", repository: "bench/notified" }),
      }),
    );
  });
});

describe("startRegistry({ auth: 'token', anonymous: 'pull', tokenExpiresIn })", { timeout: 120_000 }, () => {
  it("lets anonymous clients pull but not push, with the configured token lifetime", async () => {
    const registry = await startRegistry({ auth: "token", anonymous: "pull", tokenExpiresIn: 120 });
    try {
      await pushImage(registry, "bench/public", { tags: ["1.0.0"] });
      const tokenUrl = `${registry.tokenServer?.url}?service=image-updater-bench-registry&scope=repository:bench/public:pull,push`;

      const grant = (await (await fetch(tokenUrl)).json()) as { token: string; expires_in: number };
      const pull = await fetch(`${registry.url}/v2/bench/public/tags/list`, {
        headers: { authorization: `Bearer ${grant.token}` },
      });
      const anonymousPush = await pushImage({ url: registry.url }, "bench/public", { tags: ["2.0.0"] }).then(
        () => "pushed",
        (error: Error) => error.message,
      );

      expect(grant.expires_in).toBe(120);
      expect(await pull.json()).toEqual({ name: "bench/public", tags: ["1.0.0"] });
      expect(anonymousPush).toMatch(/401/);
      expect(registry.tokenServer?.grants.at(-1)).toMatchObject({
        subject: "",
        access: [{ type: "repository", name: "bench/public", actions: ["pull"] }],
      });
    } finally {
      await registry.stop();
    }
  });
});
