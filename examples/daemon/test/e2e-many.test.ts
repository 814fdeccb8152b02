/**
 * 100 Applications sharing one GitOps repository and one image, all changing in the same cycle: one tag listing,
 * one commit on the branch, whose message names every application.
 */
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  tempDir,
} from "@image-updater/bench";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  benchRegistriesConf,
  countOperations,
  countRequests,
  createE2eUpdater,
  deployment,
  registryCredsSecret,
  semverGitApp,
  startTwoTagBench,
  writeTree,
} from "./e2e-fixture.js";

const COUNT = 100;
const names = Array.from({ length: COUNT }, (_, i) => `svc-${String(i).padStart(3, "0")}`);

let registry: RegistryServer;
let http: GitHttpServer;

beforeAll(async () => {
  ({ registry, http } = await startTwoTagBench());
}, 60_000);

afterAll(cleanupBench, 60_000);

it("writes one commit for 100 applications of one repository and lists the shared image's tags once", async () => {
  const image = `${registry.host}/myorg/myapp`;
  // Half the applications have their own folder, half share a folder with one file each.
  const path = (name: string, i: number) => (i % 2 === 0 ? `${name}/deployment.yaml` : `shared/${name}.yaml`);
  const sourcePath = (name: string, i: number) => (i % 2 === 0 ? name : `shared-${name}`);
  const repoFiles: Record<string, string> = {};
  names.forEach((name, i) => {
    repoFiles[i % 2 === 0 ? path(name, i) : `shared-${name}/deployment.yaml`] = deployment(name, `${image}:1.0.0`);
  });
  const bare = await createBareRepo(http.root, "fleet", repoFiles);
  const repoUrl = http.repoUrl("fleet");
  const root = tempDir("e2e-many");
  const tree: Record<string, string> = {
    "secrets/registry-creds.yaml": registryCredsSecret(registry),
  };
  names.forEach((name, i) => {
    tree[`apps/${name}.yaml`] = semverGitApp(name, repoUrl, sourcePath(name, i), image);
  });
  await writeTree(root, tree);
  const e2e = createE2eUpdater({
    appsDir: `${root}/apps`,
    secretsDir: `${root}/secrets`,
    registriesConf: benchRegistriesConf(registry),
  });
  const before = await readBranchLog(bare, "main");
  let result: Awaited<ReturnType<typeof e2e.runOnce>>;
  try {
    result = await e2e.runOnce();
  } finally {
    await e2e.dispose();
  }

  expect(e2e.events.filter((event) => event.includes("failed"))).toEqual([]);
  expect(result).toMatchObject({ applications: COUNT, imagesUpdated: COUNT, errors: 0 });
  expect(result.commits).toHaveLength(1);
  const after = await readBranchLog(bare, "main");
  expect(after).toHaveLength(before.length + 1);
  const [commit] = after;
  for (const name of names) expect(commit?.subject).toContain(name);
  expect(
    commit?.body.split("\n").filter((line) => line === "updates image myorg/myapp tag '1.0.0' to '1.1.0'"),
  ).toHaveLength(COUNT);
  const files = await readBranchFiles(bare, "main");
  names.forEach((name, i) => {
    const file = i % 2 === 0 ? path(name, i) : `shared-${name}/deployment.yaml`;
    expect(files[file]).toBe(deployment(name, `${image}:1.1.0`));
  });
  // One listing for the shared repository (plus the registry's 401 challenge that starts the token flow);
  // semver needs no manifest.
  const tags = e2e.requests.filter((request) => request.kind === "tags");
  expect(tags.map((request) => request.status)).toEqual([401, 200]);
  const counts = countRequests(e2e.requests.filter((request) => request.kind !== "token"));
  expect(counts["GET manifest"] ?? 0).toBe(0);
  // The write-back plans against the view the live images came from: one clone, the commit's fetch, one push.
  expect(countOperations(e2e.gitOperations)).toEqual({ clone: 1, fetch: 1, commit: 1, push: 1 });
}, 300_000);
