import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBareRepo,
  type GitHttpServer,
  pushImages,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  startGitHttpServer,
  startRegistry,
} from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedManifests } from "../src/demo/gitops-repo.js";
import { runOnce, writeSecrets, writeSeedApplications } from "./cli-fixture.js";
import { registryCredsSecret, secretManifest } from "./e2e-fixture.js";

const GIT_USER = { username: "gitops-bot", password: "git-s3cret-pass" };

let registry: RegistryServer;
let gitServer: GitHttpServer;
let dir: string;
let bare: string;
let repoUrl: string;
let image: string;

async function daemon(extra: string[] = []) {
  const { code, text } = await runOnce(dir, ["--logformat", "json", "--loglevel", "trace", ...extra]);
  const lines = text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string });
  return { code, lines, text };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-e2e-"));
  [registry, gitServer] = await Promise.all([startRegistry({ auth: "token" }), startGitHttpServer({ auth: GIT_USER })]);
  image = `${registry.host}/myorg/myapp`;
  bare = await createBareRepo(gitServer.root, "manifests", seedManifests(image, "1.0.0"));
  repoUrl = gitServer.repoUrl("manifests");
  await pushImages({ url: registry.url, username: registry.username, password: registry.password }, "myorg/myapp", [
    { tags: ["1.0.0"], created: "2026-01-01T01:00:00Z", layerSeed: "a" },
    { tags: ["1.2.3"], created: "2026-01-01T02:00:00Z", layerSeed: "b" },
    { tags: ["1.2.4-beta"], created: "2026-01-01T03:00:00Z", layerSeed: "c" },
    { tags: ["1.3.0"], created: "2026-01-01T04:00:00Z", layerSeed: "d" },
  ]);
  await writeSeedApplications(dir, repoUrl, image);
  await writeSecrets(dir, [
    registryCredsSecret(registry),
    secretManifest(
      "manifests-repo",
      { url: repoUrl, username: GIT_USER.username, password: GIT_USER.password },
      { "argocd.argoproj.io/secret-type": "repository" },
    ),
  ]);
  await writeFile(
    join(dir, "registries.conf"),
    `registries:
- name: bench
  prefix: ${registry.host}
  api_url: ${registry.url}
  insecure: yes
  credentials: secret:argocd/registry-creds
`,
  );
});
afterAll(async () => {
  await Promise.all([registry?.stop(), gitServer?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe("image-updater run --once: the seed's two Applications against a token-auth registry and git over HTTP with basic auth", () => {
  it("commits staging on main and proposes production on image-update/myapp-1.3.0, never the beta", async () => {
    const result = await daemon();

    expect(result.code).toBe(0);
    const main = await readBranchFiles(bare, "main");
    expect(main["staging/deployment.yaml"]).toContain(`image: ${image}:1.3.0 # the tag CI built`);
    expect(main["production/deployment.yaml"]).toContain(`image: ${image}:1.0.0`);
    expect(main["base/deployment.yaml"]).toContain(`image: ${image}:1.0.0`);
    const production = await readBranchFiles(bare, "image-update/myapp-1.3.0");
    expect(production["production/deployment.yaml"]).toContain(`image: ${image}:1.3.0 # the tag CI built`);
    const [last] = await readBranchLog(bare, "main");
    expect(last?.subject).toBe("build: automatic update of myapp-staging");
    const messages = result.lines.map((l) => l.msg);
    expect(messages).toContain(`Setting new image to ${image}:1.3.0`);
    expect(messages.some((m) => m.startsWith("Successfully updated image"))).toBe(true);
    expect(result.text).not.toContain(GIT_USER.password);
    expect(result.text).not.toContain(registry.password ?? "never");
  }, 120_000);

  it("a second run with no new tags commits nothing and asks the registry for no manifest", async () => {
    const before = await readBranchLog(bare, "main");

    const result = await daemon();

    expect(result.code).toBe(0);
    expect(await readBranchLog(bare, "main")).toEqual(before);
    const requests = result.lines.filter((l) => l.msg === "Registry request");
    // One tag list over HTTP (after its token); every manifest answered from the metadata cache on disk.
    expect(requests.filter((r) => r.kind === "tags" && r.outcome === "ok")).toHaveLength(1);
    const reads = requests.filter((r) => r.kind === "manifest" || r.kind === "blob");
    // No manifest or blob is read; where each of the 4 tags points is an earlier process's word, confirmed by
    // one HEAD (getDigest) each before newest-build trusts it.
    expect(reads.filter((r) => r.method !== "getDigest")).toEqual([]);
    expect(reads.filter((r) => r.method === "getDigest" && r.outcome === "ok")).toHaveLength(4);
    expect(requests.filter((r) => r.method === "getMetadata" && r.outcome === "cached").length).toBeGreaterThan(0);
    // argocd-image-updater's line for each of them.
    expect(result.lines.map((l) => l.msg)).toContain("Cache hit for myorg/myapp:1.3.0");
  }, 120_000);
});
