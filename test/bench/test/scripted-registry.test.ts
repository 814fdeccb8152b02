import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  ACCEPT_ALL_MANIFESTS,
  cleanupBench,
  MEDIA_TYPES,
  type ScriptedRegistry,
  type ScriptedRegistryScript,
  startScriptedRegistry,
} from "../src/index.js";

const exec = promisify(execFile);
const TAGS = ["1.0.0", "1.0.1", "1.1.0", "2.0.0", "2.1.0", "3.0.0", "latest"];
const SCRIPT: ScriptedRegistryScript = {
  repositories: {
    "team/app": TAGS.map((tag, i) => ({ tags: [tag], created: new Date(Date.UTC(2024, 0, i + 1)).toISOString() })),
    "team/multi": [{ tags: ["1.0.0"], platforms: ["linux/amd64", "linux/arm64"], labels: { a: "b" } }],
  },
};

let registry: ScriptedRegistry | undefined;
async function start(script: ScriptedRegistryScript): Promise<ScriptedRegistry> {
  registry = await startScriptedRegistry(script);
  return registry;
}
afterEach(async () => {
  await registry?.stop();
});
afterAll(cleanupBench);

async function listAllTags(base: string, first: string): Promise<{ tags: string[]; pages: number }> {
  const tags: string[] = [];
  let pages = 0;
  let next: string | undefined = first;
  while (next !== undefined) {
    const response = await fetch(new URL(next, base));
    pages++;
    tags.push(...((await response.json()) as { tags: string[] }).tags);
    next = /<(?<target>[^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.groups?.target;
  }
  return { tags, pages };
}

// Real services can be slow on a loaded machine: generous timeouts, and no timing assertions.
describe("startScriptedRegistry() tags/list", { timeout: 120_000 }, () => {
  it.each([
    { pageSize: undefined, first: "/v2/team/app/tags/list", pages: 1 },
    { pageSize: undefined, first: "/v2/team/app/tags/list?n=2", pages: 4 },
    { pageSize: 3, first: "/v2/team/app/tags/list", pages: 3 },
    { pageSize: 3, first: "/v2/team/app/tags/list?n=100", pages: 3 },
    { pageSize: 5, first: "/v2/team/app/tags/list?n=1", pages: 7 },
  ])("paginates with Link (pageSize $pageSize, first $first)", async ({ pageSize, first, pages }) => {
    const server = await start({ ...SCRIPT, ...(pageSize === undefined ? {} : { pageSize }) });

    const result = await listAllTags(server.url, first);

    expect(result).toEqual({ tags: TAGS, pages });
    expect(server.count({ method: "GET", path: "/v2/team/app/tags/list" })).toBe(pages);
  });

  it("honours last and writes an RFC 5988 next link", async () => {
    const server = await start(SCRIPT);

    const response = await fetch(`${server.url}/v2/team/app/tags/list?n=2&last=1.0.1`);

    expect(await response.json()).toEqual({ name: "team/app", tags: ["1.1.0", "2.0.0"] });
    expect(response.headers.get("link")).toBe('</v2/team/app/tags/list?n=2&last=2.0.0>; rel="next"');
    expect(server.requests.at(-1)?.query).toEqual({ n: "2", last: "1.0.1" });
  });

  it.each([
    { tagOrder: "lexical" as const, expected: ["0.9.0", "1.0.0", "2.0.0", "10.0.0"].sort() },
    { tagOrder: "insertion" as const, expected: ["2.0.0", "10.0.0", "1.0.0", "0.9.0"] },
  ])("lists tags in $tagOrder order and follows addImages()/deleteTag()", async ({ tagOrder, expected }) => {
    const server = await start({
      tagOrder,
      pageSize: 2,
      repositories: { app: [{ tags: ["2.0.0"] }, { tags: ["10.0.0"] }, { tags: ["1.0.0"] }] },
    });

    server.addImages("app", [{ tags: ["0.9.0", "gone"], layerSeed: "other" }]);
    const deleted = server.deleteTag("app", "gone");
    const result = await listAllTags(server.url, "/v2/app/tags/list");

    expect(deleted).toBe(true);
    expect(result).toEqual({ tags: expected, pages: 2 });
  });

  it("lists a scripted repository the same before and after its images are first served", async () => {
    // The script's images are built on the first manifest request; a later image re-tagging "1.0.0" wins both times.
    const server = await start({
      tagOrder: "insertion",
      repositories: { app: [{ tags: ["1.0.0", "2.0.0"] }, { tags: ["3.0.0"] }, { tags: ["1.0.0"], layerSeed: "b" }] },
    });

    const before = await listAllTags(server.url, "/v2/app/tags/list");
    const manifest = await fetch(`${server.url}/v2/app/manifests/1.0.0`, { headers: { accept: ACCEPT_ALL_MANIFESTS } });
    const after = await listAllTags(server.url, "/v2/app/tags/list");
    const [digest] = server.addImages("other", [{ tags: ["1.0.0"], layerSeed: "b" }]);

    expect(before.tags).toEqual(["2.0.0", "3.0.0", "1.0.0"]);
    expect(after.tags).toEqual(before.tags);
    expect(manifest.headers.get("docker-content-digest")).toBe(digest);
  });

  it("answers NAME_UNKNOWN for a missing repository", async () => {
    const server = await start(SCRIPT);

    const response = await fetch(`${server.url}/v2/team/missing/tags/list`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errors: [{ code: "NAME_UNKNOWN" }] });
  });
});

describe("startScriptedRegistry() manifests", { timeout: 120_000 }, () => {
  it("serves GET and HEAD with Docker-Content-Digest equal to the body digest", async () => {
    const server = await start(SCRIPT);

    const get = await fetch(`${server.url}/v2/team/multi/manifests/1.0.0`, {
      headers: { accept: ACCEPT_ALL_MANIFESTS },
    });
    const body = Buffer.from(await get.arrayBuffer());
    const head = await fetch(`${server.url}/v2/team/multi/manifests/1.0.0`, {
      method: "HEAD",
      headers: { accept: ACCEPT_ALL_MANIFESTS },
    });
    const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    const byDigest = await fetch(`${server.url}/v2/team/multi/manifests/${digest}`);
    const refused = await fetch(`${server.url}/v2/team/multi/manifests/1.0.0`, {
      headers: { accept: MEDIA_TYPES.dockerManifest },
    });

    expect(get.headers.get("content-type")).toBe(MEDIA_TYPES.ociIndex);
    expect(get.headers.get("docker-content-digest")).toBe(digest);
    expect(head.status).toBe(200);
    expect(head.headers.get("docker-content-digest")).toBe(digest);
    expect(byDigest.status).toBe(200);
    expect(refused.status).toBe(404);
  });

  it("answers a schema-2-only client with the amd64 manifest of a Docker manifest list", async () => {
    const server = await start({
      repositories: { list: [{ tags: ["1.0.0"], format: "docker", platforms: ["linux/arm64", "linux/amd64"] }] },
    });

    const response = await fetch(`${server.url}/v2/list/manifests/1.0.0`, {
      headers: { accept: MEDIA_TYPES.dockerManifest },
    });
    const config = ((await response.json()) as { config: { digest: string } }).config.digest;
    const blob = await fetch(`${server.url}/v2/list/blobs/${config}`);

    expect(response.headers.get("content-type")).toBe(MEDIA_TYPES.dockerManifest);
    expect(await blob.json()).toMatchObject({ architecture: "amd64", os: "linux" });
  });

  it("is readable by skopeo (real manifests, configs and blobs)", async () => {
    const server = await start(SCRIPT);

    const { stdout } = await exec("skopeo", [
      "inspect",
      "--tls-verify=false",
      "--override-arch",
      "arm64",
      `docker://${server.host}/team/multi:1.0.0`,
    ]);

    expect(JSON.parse(stdout)).toMatchObject({ Architecture: "arm64", Labels: { a: "b" } });
    expect(server.count({ path: "/v2/team/multi/blobs/*" })).toBeGreaterThanOrEqual(1);
  });
});

describe("startScriptedRegistry() faults", { timeout: 120_000 }, () => {
  it("answers 429 with Retry-After, then succeeds", async () => {
    const server = await start({
      ...SCRIPT,
      faults: [{ path: "/v2/team/app/tags/list", status: 429, retryAfter: 2, times: 1 }],
    });

    const first = await fetch(`${server.url}/v2/team/app/tags/list`);
    const second = await fetch(`${server.url}/v2/team/app/tags/list`);

    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("2");
    expect(await first.json()).toMatchObject({ errors: [{ code: "TOOMANYREQUESTS" }] });
    expect(second.status).toBe(200);
  });

  it.each([500, 502, 503])("answers %i n times, then succeeds", async (status) => {
    const server = await start({ ...SCRIPT, faults: [{ path: "/v2/team/*", status, times: 3 }] });

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${server.url}/v2/team/app/tags/list`)).status);

    expect(statuses).toEqual([status, status, status, 200, 200]);
    expect(server.count("/v2/team/app/tags/list")).toBe(5);
  });

  it("sends malformed JSON with status 200", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: /tags\/list$/, body: "malformed" }] });

    const response = await fetch(`${server.url}/v2/team/app/tags/list`);

    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it("truncates a body and drops the connection", async () => {
    const server = await start({ ...SCRIPT, faults: [{ path: "/v2/team/app/manifests/*", body: "truncated" }] });

    const reading = fetch(`${server.url}/v2/team/app/manifests/1.0.0`).then((response) => response.text());

    await expect(reading).rejects.toThrow();
  });

  it("delays, skips, counts per method and resets the log", async () => {
    const server = await start({
      ...SCRIPT,
      faults: [{ path: "/v2/team/app/manifests/*", method: "HEAD", delayMs: 50, skip: 1, status: 503 }],
    });

    const head1 = await fetch(`${server.url}/v2/team/app/manifests/1.0.0`, { method: "HEAD" });
    const head2 = await fetch(`${server.url}/v2/team/app/manifests/1.0.0`, { method: "HEAD" });
    const get = await fetch(`${server.url}/v2/team/app/manifests/1.0.0`);
    await get.arrayBuffer();
    const counted = [server.count({ method: "HEAD" }), server.count({ method: "GET" }), server.count()];
    server.reset();

    expect([head1.status, head2.status, get.status]).toEqual([200, 503, 200]);
    expect(counted).toEqual([2, 1, 3]);
    expect(server.count()).toBe(0);
  });
});

describe("startScriptedRegistry() auth", { timeout: 120_000 }, () => {
  it("challenges with Basic and serves the right credentials", async () => {
    const server = await start({ ...SCRIPT, auth: { scheme: "basic", username: "u", password: "p" } });

    const anonymous = await fetch(`${server.url}/v2/team/app/tags/list`);
    const authorised = await fetch(`${server.url}/v2/team/app/tags/list`, {
      headers: { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` },
    });

    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="scripted-registry"');
    expect(authorised.status).toBe(200);
  });

  it("runs the Bearer flow, refusing anonymous tokens", async () => {
    const server = await start({ ...SCRIPT, auth: { scheme: "bearer", username: "u", password: "p" } });

    const challenge = await fetch(`${server.url}/v2/team/app/tags/list`);
    const header = challenge.headers.get("www-authenticate") ?? "";
    const tokenUrl = `${server.url}/token?service=scripted-registry&scope=repository:team/app:pull`;
    const anonymousToken = ((await (await fetch(tokenUrl)).json()) as { token: string }).token;
    const userToken = (
      (await (
        await fetch(tokenUrl, { headers: { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` } })
      ).json()) as { token: string }
    ).token;
    const asAnonymous = await fetch(`${server.url}/v2/team/app/tags/list`, {
      headers: { authorization: `Bearer ${anonymousToken}` },
    });
    const asUser = await fetch(`${server.url}/v2/team/app/tags/list`, {
      headers: { authorization: `Bearer ${userToken}` },
    });

    expect(challenge.status).toBe(401);
    expect(header).toBe(
      `Bearer realm="${server.url}/token",service="scripted-registry",scope="repository:team/app:pull"`,
    );
    expect(asAnonymous.status).toBe(401);
    expect(asUser.status).toBe(200);
    expect(server.count("/token")).toBe(2);
  });
});
