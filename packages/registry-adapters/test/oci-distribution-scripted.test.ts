import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ACCEPT_ALL_MANIFESTS,
  buildImage,
  cleanupBench,
  type ScriptedFault,
  type ScriptedRegistry,
  type ScriptedRegistryScript,
  startScriptedRegistry,
} from "@image-updater/bench";
import { describeRegistryConformance, type RegistryFault, skipResilienceCases } from "@image-updater/conformance";
import { withRegistryPolicies } from "@image-updater/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createExtCredentials, createOciRegistryClient, type OciRegistryClientOptions } from "../src/index.js";
import { benchEndpoint } from "./harness.js";

const TAGS = ["1.0.0", "1.0.1", "1.1.0", "2.0.0", "latest"];
const SCRIPT: ScriptedRegistryScript = {
  repositories: {
    "team/app": TAGS.map((tag, i) => ({ tags: [tag], created: new Date(Date.UTC(2024, 0, i + 1)).toISOString() })),
    "team/multi": [{ tags: ["1.0.0"], platforms: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"] }],
    "team/other": [{ tags: ["v1"] }],
  },
};
const APP = { registry: "", repository: "team/app" };

let servers: ScriptedRegistry[] = [];
const dirs: string[] = [];
async function start(script: ScriptedRegistryScript): Promise<ScriptedRegistry> {
  const server = await startScriptedRegistry(script);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
afterAll(cleanupBench);

function clientFor(server: ScriptedRegistry, options: Partial<OciRegistryClientOptions> = {}) {
  return createOciRegistryClient({ endpoints: [benchEndpoint(server.host, server.url)], ...options });
}
function repo(server: ScriptedRegistry, repository = APP.repository) {
  return { registry: server.host, repository };
}
/** Waits are recorded, not slept: tests count requests, never time. */
function recordedSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms), random: () => 0 };
}

const FAULTS: Record<RegistryFault, ScriptedFault[]> = {
  "rate-limited-once": [{ path: "/v2/*/tags/list", status: 429, retryAfter: 1, times: 1 }],
  unavailable: [{ path: "/v2/*", status: 503 }],
  slow: [{ path: "/v2/*", delayMs: 1500 }],
  malformed: [
    { path: "/v2/*/tags/list", body: "malformed" },
    { path: "/v2/*/manifests/*", body: "malformed" },
  ],
};

describeRegistryConformance("oci-distribution (scripted: 2-tag pages, bearer auth, faults on demand)", {
  contentAddressed: true,
  async create(seed) {
    const server = await start({
      repositories: seed,
      pageSize: 2,
      auth: { scheme: "bearer", username: "robot", password: "s3cret-pw" },
    });
    const client = clientFor(server, {
      credentials: { [server.host]: { username: "robot", password: "s3cret-pw" } },
      timeoutMs: 300,
    });
    // The bench counts a fault against requests it then refuses with 401; learning the auth scheme first
    // (on another repository) makes the first request of a case the one the fault hits.
    await client.listTags({ registry: server.host, repository: "conformance/other" });
    server.reset();
    return { client, registry: server.host, inject: (fault: RegistryFault) => server.setFaults(FAULTS[fault]) };
  },
});

describeRegistryConformance(
  "oci-distribution (scripted: a 429 and a 5xx on every path, through the policies)",
  {
    contentAddressed: true,
    async create(seed) {
      const server = await start({
        repositories: seed,
        pageSize: 2,
        auth: { scheme: "bearer", username: "robot", password: "s3cret-pw" },
        faults: [
          { path: "/v2/*/tags/list", status: 429, retryAfter: 0, times: 1 },
          { path: "/v2/*/manifests/*", status: 503, times: 1 },
          { path: "/v2/*/blobs/*", status: 500, times: 1 },
        ],
      });
      const client = withRegistryPolicies(
        clientFor(server, { credentials: { [server.host]: { username: "robot", password: "s3cret-pw" } } }),
        { retry: { baseDelayMs: 1 } },
      );
      return { client, registry: server.host };
    },
  },
  { skip: skipResilienceCases("this harness already injects faults; the harness above runs these") },
);

describe("oci-distribution against the scripted registry", () => {
  it("follows Link pagination until the last page", async () => {
    const server = await start({ ...SCRIPT, pageSize: 2 });
    const client = clientFor(server, { pageSize: 2 });

    const tags = await client.listTags(repo(server));

    expect(tags).toEqual([...TAGS].sort());
    expect(server.count("/v2/team/app/tags/list")).toBe(3);
    expect(server.requests.map((r) => r.query.n)).toEqual(["2", "2", "2"]);
  });

  it("fails with LIMIT_EXCEEDED past maxTags, reading no further page: no decision on a cut list", async () => {
    const server = await start({ ...SCRIPT, pageSize: 2 });
    const client = clientFor(server, { maxTags: 3 });

    await expect(client.listTags(repo(server))).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(server.count("/v2/team/app/tags/list")).toBe(2);
  });

  it("maps 429 to REGISTRY_RATE_LIMITED with the Retry-After wait", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: "*/tags/list", status: 429, retryAfter: 7 }] });

    const error = await clientFor(server)
      .listTags(repo(server))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "REGISTRY_RATE_LIMITED", retryable: true, retryAfterMs: 7000, status: 429 });
  });

  it("through the policies, waits Retry-After on 429 and then succeeds", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: "*/tags/list", status: 429, retryAfter: 2, times: 2 }] });
    const time = recordedSleep();
    const client = withRegistryPolicies(clientFor(server), time);

    const tags = await client.listTags(repo(server));

    expect(tags).toHaveLength(TAGS.length);
    expect(time.waits).toEqual([2000, 2000]);
    expect(server.count("/v2/team/app/tags/list")).toBe(3);
  });

  it("through the policies, retries 5xx three times, then rejects REGISTRY_UNAVAILABLE", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: "*/manifests/*", status: 503 }] });
    const client = withRegistryPolicies(clientFor(server), recordedSleep());

    await expect(client.getDigest(repo(server), "1.0.0")).rejects.toMatchObject({
      code: "REGISTRY_UNAVAILABLE",
      status: 503,
      retryable: true,
    });
    expect(server.count({ method: "HEAD", path: "/v2/team/app/manifests/1.0.0" })).toBe(4);
  });

  it("rejects TIMEOUT when the registry answers too slowly", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: "*/tags/list", delayMs: 2000 }] });

    await expect(clientFor(server, { timeoutMs: 100 }).listTags(repo(server))).rejects.toMatchObject({
      code: "TIMEOUT",
      retryable: true,
    });
  });

  it("rejects ABORTED when the caller aborts a slow request", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: "*/manifests/*", delayMs: 2000 }] });
    const controller = new AbortController();

    const pending = clientFor(server).getMetadata(repo(server), "1.0.0", { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);

    await expect(pending).rejects.toMatchObject({ code: "ABORTED", retryable: false });
  });

  it.each([
    ["a tag list", "*/tags/list", (c: ReturnType<typeof clientFor>, s: ScriptedRegistry) => c.listTags(repo(s))],
    [
      "a manifest",
      "*/manifests/*",
      (c: ReturnType<typeof clientFor>, s: ScriptedRegistry) => c.getMetadata(repo(s), "1.0.0"),
    ],
    [
      "a config blob",
      "*/blobs/*",
      (c: ReturnType<typeof clientFor>, s: ScriptedRegistry) => c.getMetadata(repo(s), "1.0.0"),
    ],
  ])("rejects REGISTRY_PROTOCOL for malformed JSON in %s", async (_what, path, call) => {
    const server = await start({ ...SCRIPT, faults: [{ path, body: "malformed" }] });

    await expect(call(clientFor(server), server)).rejects.toMatchObject({ code: "REGISTRY_PROTOCOL" });
  });

  it("rejects REGISTRY_UNAVAILABLE (retryable) when the connection drops mid-body", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: "*/tags/list", body: "truncated" }] });

    await expect(clientFor(server).listTags(repo(server))).rejects.toMatchObject({
      code: "REGISTRY_UNAVAILABLE",
      retryable: true,
    });
  });

  it("gets a digest with one HEAD and no GET, sending every manifest type in Accept", async () => {
    const server = await start(SCRIPT);

    const digest = await clientFor(server).getDigest(repo(server, "team/multi"), "1.0.0");

    expect(digest).toMatch(/^sha256:/);
    expect(server.requests.map((r) => [r.method, r.path, r.headers.accept])).toEqual([
      ["HEAD", "/v2/team/multi/manifests/1.0.0", ACCEPT_ALL_MANIFESTS],
    ]);
  });

  it("fetches only the requested platform's child manifest and config", async () => {
    const server = await start(SCRIPT);

    const meta = await clientFor(server).getMetadata(repo(server, "team/multi"), "1.0.0", {
      platforms: [{ os: "linux", architecture: "arm", variant: "v7" }],
    });

    expect(meta?.children).toHaveLength(1);
    expect(server.count({ method: "GET", path: "/v2/team/multi/manifests/*" })).toBe(2);
    expect(server.count({ method: "GET", path: "/v2/team/multi/blobs/*" })).toBe(1);
  });
});

describe("oci-distribution authentication against the scripted registry", () => {
  const AUTH = { scheme: "bearer" as const, username: "robot", password: "s3cret-pw" };
  const CREDS = { username: "robot", password: "s3cret-pw" };

  it("reuses one token per repository scope until it expires", async () => {
    const server = await start({ ...SCRIPT, auth: AUTH });
    const client = clientFor(server, { credentials: { [server.host]: CREDS } });

    await client.listTags(repo(server));
    await client.getDigest(repo(server), "1.0.0");
    await client.getMetadata(repo(server), "1.0.0");
    await client.listTags(repo(server, "team/other"));
    await client.getDigest(repo(server, "team/other"), "v1");

    expect(server.count("/token")).toBe(2);
    expect(server.requests.filter((r) => r.path === "/token").map((r) => r.query.scope)).toEqual([
      "repository:team/app:pull",
      "repository:team/other:pull",
    ]);
    // One 401 to learn the scheme; every later request carries its token from the start.
    expect(server.count("/v2/team/app/tags/list")).toBe(2);
    expect(server.count({ method: "HEAD" })).toBe(2);
  });

  it("fetches a fresh token when the old one has expired", async () => {
    const server = await start({ ...SCRIPT, auth: { ...AUTH, expiresIn: 1 } });
    const client = clientFor(server, { credentials: { [server.host]: CREDS } });

    await client.listTags(repo(server));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.listTags(repo(server));

    expect(server.count("/token")).toBe(2);
  });

  it("gets an anonymous token when it has no credentials", async () => {
    const server = await start({ ...SCRIPT, auth: { ...AUTH, anonymous: "pull" } });

    const tags = await clientFor(server).listTags(repo(server));

    expect(tags).toHaveLength(TAGS.length);
    expect(server.requests.find((r) => r.path === "/token")?.headers.authorization).toBeUndefined();
  });

  it("sends Basic credentials from the start once the registry asked for them", async () => {
    const server = await start({ ...SCRIPT, auth: { scheme: "basic", username: "robot", password: "s3cret-pw" } });
    const client = clientFor(server, { credentials: { [server.host]: CREDS } });

    await client.listTags(repo(server));
    await client.getDigest(repo(server), "1.0.0");

    expect(server.requests.map((r) => r.headers.authorization !== undefined)).toEqual([false, true, true]);
  });

  it.each([
    ["bearer", AUTH],
    ["basic", { scheme: "basic" as const, username: "robot", password: "s3cret-pw" }],
  ] as const)("rejects REGISTRY_AUTH for wrong %s credentials", async (_scheme, auth) => {
    const server = await start({ ...SCRIPT, auth });
    const client = clientFor(server, { credentials: { [server.host]: { username: "robot", password: "wrong-pw" } } });

    await expect(client.listTags(repo(server))).rejects.toMatchObject({ code: "REGISTRY_AUTH", retryable: false });
  });

  it("on a 401 with cached credentials, runs the ext: script again once and retries (ECR's 12 h tokens)", async () => {
    const server = await start({ ...SCRIPT, auth: { scheme: "basic", username: "AWS", password: "fresh-token" } });
    const dir = await mkdtemp(join(tmpdir(), "ext-creds-"));
    dirs.push(dir);
    const script = join(dir, "creds.sh");
    // First run prints an expired token, later runs a fresh one; each run is logged.
    await writeFile(
      script,
      `#!/bin/sh\necho run >> "${dir}/runs"\nif [ -f "${dir}/ran" ]; then echo AWS:fresh-token; else touch "${dir}/ran"; echo AWS:expired-token; fi\n`,
    );
    await chmod(script, 0o755);
    const client = clientFor(server, { credentials: { [server.host]: createExtCredentials({ path: script }) } });

    const tags = await client.listTags(repo(server));
    await client.getDigest(repo(server), "1.0.0");

    expect(tags).toHaveLength(TAGS.length);
    expect((await readFile(join(dir, "runs"), "utf8")).trim().split("\n")).toHaveLength(2);
  });

  it("follows a blob redirect to another host without sending it the registry's credentials", async () => {
    const spec = { tags: ["1.0.0"], created: "2024-05-06T07:08:09Z" };
    const config = buildImage(spec).manifests[0]?.config;
    const seen: (string | undefined)[] = [];
    // Stands in for the CDN or object store registries hand blobs to.
    const cdn = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.end(config?.bytes);
    });
    await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
    try {
      const location = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/blob`;
      const server = await start({
        repositories: { "team/app": [spec] },
        auth: AUTH,
        faults: [{ path: "/v2/team/app/blobs/*", status: 307, headers: { location } }],
      });
      const client = clientFor(server, { credentials: { [server.host]: CREDS } });

      const meta = await client.getMetadata(repo(server), "1.0.0");

      expect(meta?.createdAt?.toISOString()).toBe("2024-05-06T07:08:09.000Z");
      expect(seen).toEqual([undefined]);
    } finally {
      await new Promise((resolve) => cdn.close(resolve));
    }
  });

  it("asks only once when the registry wants Basic auth and there are no credentials", async () => {
    const server = await start({ ...SCRIPT, auth: { scheme: "basic", username: "robot", password: "s3cret-pw" } });

    await expect(clientFor(server).listTags(repo(server))).rejects.toMatchObject({ code: "REGISTRY_AUTH" });
    expect(server.requests).toHaveLength(1);
  });
});
