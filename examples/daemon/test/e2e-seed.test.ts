/**
 * The seed's "Exemple Complet" end to end: a real docker-registry behind Docker Hub's token flow, the seed's two
 * Applications (plus a `git:noop` one) as manifests in a folder, and the GitOps repository served by the real
 * git http-backend (Basic auth) or by the real sshd (ed25519 deploy key, host key checked).
 */
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  type SshGitServer,
  startGitHttpServer,
  startRegistry,
  startSshGitServer,
  tempDir,
} from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applicationManifest,
  countOperations,
  countRequests,
  createE2eUpdater,
  deployment,
  PREFIX,
  pushSeedImages,
  registryCredsSecret,
  repositorySecret,
  writeTree,
} from "./e2e-fixture.js";

const GIT_USER = "gitops-bot";
const GIT_PASSWORD = "s3cret-git-password";

let registry: RegistryServer;
let image: string;

beforeAll(async () => {
  registry = await startRegistry({ auth: "token" });
  image = `${registry.host}/myorg/myapp`;
  await pushSeedImages(registry);
}, 60_000);

afterAll(cleanupBench, 60_000);

function registriesConf(): string {
  return [
    "registries:",
    "- name: Bench registry",
    `  prefix: ${registry.host}`,
    `  api_url: ${registry.url}`,
    "  credentials: secret:argocd/registry-creds",
    "  insecure: no",
    "  default: true",
    "",
  ].join("\n");
}

interface Scenario {
  readonly repoUrl: string;
  readonly bare: string;
  readonly repoSecret: Record<string, string>;
  readonly knownHosts?: string;
}

async function runSeedScenario(scenario: Scenario) {
  const root = tempDir("e2e-seed");
  const appsDir = `${root}/apps`;
  const secretsDir = `${root}/secrets`;
  await writeTree(root, {
    "apps/app-staging.yaml": applicationManifest("myapp-staging", scenario.repoUrl, "staging", {
      [`${PREFIX}/image-list`]: `app=${image}`,
      [`${PREFIX}/app.update-strategy`]: "latest",
      [`${PREFIX}/write-back-method`]: "git",
      [`${PREFIX}/git-branch`]: "main",
    }),
    "apps/app-production.yaml": applicationManifest("myapp-production", scenario.repoUrl, "production", {
      [`${PREFIX}/image-list`]: `app=${image}`,
      [`${PREFIX}/app.update-strategy`]: "semver",
      [`${PREFIX}/app.allow-tags`]: "regexp:^[0-9]+\\.[0-9]+\\.[0-9]+$",
      [`${PREFIX}/write-back-method`]: "git:branch",
      [`${PREFIX}/git-branch`]: "main",
      [`${PREFIX}/git-branch-prefix`]: "image-update/",
    }),
    "apps/app-preview.yaml": applicationManifest("myapp-preview", scenario.repoUrl, "preview", {
      [`${PREFIX}/image-list`]: `app=${image}`,
      [`${PREFIX}/app.update-strategy`]: "semver",
      [`${PREFIX}/write-back-method`]: "git:noop",
    }),
    "secrets/registry-creds.yaml": registryCredsSecret(registry),
    "secrets/repo-manifests.yaml": repositorySecret("repo-manifests", scenario.repoUrl, scenario.repoSecret),
  });
  const e2e = createE2eUpdater({
    appsDir,
    secretsDir,
    registriesConf: registriesConf(),
    ...(scenario.knownHosts === undefined ? {} : { knownHosts: scenario.knownHosts }),
  });
  try {
    const first = await e2e.runOnce();
    const afterFirst = {
      requests: e2e.requests.length,
      operations: e2e.gitOperations.length,
      main: await readBranchLog(scenario.bare, "main"),
      branch: await readBranchLog(scenario.bare, "image-update/myapp-1.3.0"),
    };
    const second = await e2e.runOnce();
    return {
      first,
      second,
      afterFirst,
      secondRequests: e2e.requests.slice(afterFirst.requests),
      secondOperations: e2e.gitOperations.slice(afterFirst.operations),
      events: e2e.events,
    };
  } finally {
    await e2e.dispose();
  }
}

const files = (tag: string) => ({
  "staging/deployment.yaml": deployment("myapp", `${image}:${tag}`),
  "production/deployment.yaml": deployment("myapp", `${image}:${tag}`),
  "preview/deployment.yaml": deployment("myapp", `${image}:${tag}`),
});

async function expectSeedOutcome(bare: string, run: Awaited<ReturnType<typeof runSeedScenario>>) {
  const { first, second, afterFirst, secondRequests, secondOperations, events } = run;
  expect(events.filter((event) => event.includes("failed"))).toEqual([]);
  // Like argocd-image-updater, a decided update counts as updated under git:noop (dry run) too.
  expect(first).toMatchObject({ applications: 3, imagesConsidered: 3, imagesUpdated: 3, errors: 0 });
  const byName = Object.fromEntries(first.results.map((result) => [result.application.name, result]));
  expect(byName["myapp-staging"]?.images[0]).toMatchObject({ outcome: "updated", oldTag: "1.0.0", newTag: "abc1234" });
  expect(byName["myapp-production"]?.images[0]).toMatchObject({ outcome: "updated", oldTag: "1.0.0", newTag: "1.3.0" });
  // git:noop decides and reports, but never writes.
  expect(byName["myapp-preview"]).toMatchObject({ writeBack: "dry-run" });
  expect(byName["myapp-preview"]?.images[0]).toMatchObject({ outcome: "updated", newTag: "1.3.0" });
  expect(events).toContain("writeback skipped noop: 1");

  // Staging: a direct commit on main, with argocd-image-updater's default message.
  const main = await readBranchFiles(bare, "main");
  expect(main["staging/deployment.yaml"]).toBe(deployment("myapp", `${image}:abc1234`));
  expect(main["production/deployment.yaml"]).toBe(deployment("myapp", `${image}:1.0.0`));
  expect(main["preview/deployment.yaml"]).toBe(deployment("myapp", `${image}:1.0.0`));
  expect(afterFirst.main).toHaveLength(2);
  expect(afterFirst.main[0]).toMatchObject({
    subject: "build: automatic update of myapp-staging",
    body: "updates image myorg/myapp tag '1.0.0' to 'abc1234'",
    authorName: "argocd-image-updater",
    authorEmail: "noreply@argoproj.io",
  });

  // Production: its own branch with 1.3.0, built on main; never the beta.
  const branch = await readBranchFiles(bare, "image-update/myapp-1.3.0");
  expect(branch["production/deployment.yaml"]).toBe(deployment("myapp", `${image}:1.3.0`));
  expect(afterFirst.branch).toHaveLength(2);
  expect(afterFirst.main.map((commit) => commit.sha)).toContain(afterFirst.branch[1]?.sha);
  expect(afterFirst.branch[0]?.subject).toBe("build: automatic update of myapp-production");
  expect(afterFirst.branch[0]?.body).toBe("updates image myorg/myapp tag '1.0.0' to '1.3.0'");
  const everything = JSON.stringify([main, branch, afterFirst.main, afterFirst.branch]);
  expect(everything).not.toContain("1.2.4-beta");
  expect(first.commits.map((commit) => commit.branch).sort()).toEqual(["image-update/myapp-1.3.0", "main"]);

  // Second cycle, no new tags: tags are listed again, newest-build asks its winner where it points (one HEAD,
  // shared by the applications), no manifest is read, nothing is committed.
  expect(second).toMatchObject({ applications: 3, errors: 0, commits: [] });
  expect(countRequests(secondRequests.filter((request) => request.kind !== "token"))).toEqual({
    "GET tags": 1,
    "HEAD manifest": 1,
  });
  expect(countOperations(secondOperations)).not.toHaveProperty("commit");
  expect(countOperations(secondOperations)).not.toHaveProperty("push");
  expect(await readBranchLog(bare, "main")).toEqual(afterFirst.main);
  expect(await readBranchLog(bare, "image-update/myapp-1.3.0")).toEqual(afterFirst.branch);
}

describe("the seed's Applications end to end", () => {
  let http: GitHttpServer;
  let ssh: SshGitServer;

  beforeAll(async () => {
    [http, ssh] = await Promise.all([
      startGitHttpServer({ auth: { username: GIT_USER, password: GIT_PASSWORD } }),
      startSshGitServer(),
    ]);
  }, 60_000);

  it("over HTTPS-style Basic auth: staging on main, production on image-update/myapp-1.3.0, noop untouched", async () => {
    const bare = await createBareRepo(http.root, "manifests", files("1.0.0"));
    const repoUrl = http.repoUrl("manifests");
    const run = await runSeedScenario({ repoUrl, bare, repoSecret: { username: GIT_USER, password: GIT_PASSWORD } });
    await expectSeedOutcome(bare, run);
    // Every git request was authenticated as the bot; the password never shows in a recorded path.
    const gitRequests = http.requests.filter((request) => request.status !== 401);
    expect(gitRequests.length).toBeGreaterThan(0);
    expect(new Set(gitRequests.map((request) => request.user))).toEqual(new Set([GIT_USER]));
    expect(JSON.stringify(http.requests)).not.toContain(GIT_PASSWORD);
  }, 300_000);

  it("over SSH with the ed25519 deploy key and a checked host key", async () => {
    const bare = await createBareRepo(ssh.root, "manifests", files("1.0.0"));
    const repoUrl = ssh.repoUrl("manifests");
    const run = await runSeedScenario({
      repoUrl,
      bare,
      repoSecret: { sshPrivateKey: ssh.deployKey.privateKey },
      knownHosts: ssh.knownHosts,
    });
    await expectSeedOutcome(bare, run);
  }, 300_000);
});
