/**
 * The fleet reporter, run as a user runs it: a real docker-registry and git http-backend, and the GitHub API
 * double (no hosted API can run here) serving both repositories. Dry run first, then --open.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  pushImage,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  runCommand,
  startGitHttpServer,
  startRegistry,
  tempDir,
} from "@image-updater/bench";
import { type GitHubApiDouble, startGitHubApiDouble } from "@image-updater/doubles";
import { afterAll, beforeAll, expect, it } from "vitest";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));
let registry: RegistryServer;
let http: GitHttpServer;
let github: GitHubApiDouble;
let dir: string;
const bares: Record<string, string> = {};

// Two repositories: api and worker share org/platform-deploy, web has org/web-deploy to itself.
const FLEET = [
  { name: "api", repo: "org/platform-deploy" },
  { name: "worker", repo: "org/platform-deploy" },
  { name: "web", repo: "org/web-deploy" },
];
const deployment = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;
const application = (name: string, repoURL: string, image: string) =>
  [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    `metadata:\n  name: ${name}\n  namespace: argocd\n  annotations:`,
    `    argocd-image-updater.argoproj.io/image-list: app=${image}`,
    "    argocd-image-updater.argoproj.io/app.update-strategy: semver",
    `spec:\n  source:\n    repoURL: ${repoURL}\n    path: ${name}\n    targetRevision: main`,
    "",
  ].join("\n");

beforeAll(async () => {
  [registry, http, github] = await Promise.all([
    startRegistry({ auth: "none" }),
    startGitHttpServer(),
    startGitHubApiDouble({ repository: "org/platform-deploy", moreRepositories: ["org/web-deploy"] }),
  ]);
  dir = await tempDir("fleet-pull-requests-");
  await mkdir(join(dir, "fleet"));
  const files: Record<string, Record<string, string>> = {};
  for (const { name, repo } of FLEET) {
    for (const tag of ["1.0.0", "1.1.0"]) await pushImage(registry, `team/${name}`, { tags: [tag] });
    files[repo] = { ...files[repo], [`${name}/deployment.yaml`]: deployment(`${registry.host}/team/${name}:1.0.0`) };
    const manifest = application(name, http.repoUrl(repo), `${registry.host}/team/${name}`);
    await writeFile(join(dir, "fleet", `${name}.yaml`), manifest);
  }
  for (const [repo, content] of Object.entries(files)) bares[repo] = await createBareRepo(http.root, repo, content);
  await writeFile(
    join(dir, "registries.conf"),
    `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
  );
}, 60_000);
afterAll(async () => {
  await github?.stop();
  await cleanupBench();
});

const run = (...flags: string[]) =>
  promisify(execFile)(
    "pnpm",
    [
      "exec",
      "tsx",
      "--conditions=@image-updater/source",
      "src/main.ts",
      join(dir, "fleet"),
      join(dir, "registries.conf"),
      ...flags,
    ],
    {
      cwd: exampleDir,
      timeout: 60_000,
      env: { ...process.env, HOME: dir, GITHUB_TOKEN: "ghp_double_token", GITHUB_API_URL: github.url },
    },
  );
const branches = async (bare: string) =>
  (await runCommand("git", [`--git-dir=${bare}`, "for-each-ref", "--format=%(refname:short)", "refs/heads"])).stdout
    .trim()
    .split("\n");

it("prints the planned changes per repository and writes nothing in a dry run", async () => {
  const { stdout } = await run();
  const host = registry.host;
  expect(stdout.trim().split("\n")).toEqual([
    http.repoUrl("org/platform-deploy"),
    `  argocd/api: ${host}/team/api 1.0.0 -> 1.1.0`,
    `  argocd/worker: ${host}/team/worker 1.0.0 -> 1.1.0`,
    http.repoUrl("org/web-deploy"),
    `  argocd/web: ${host}/team/web 1.0.0 -> 1.1.0`,
    "2 repositories with updates (dry run: nothing written)",
  ]);
  expect(await branches(bares["org/platform-deploy"] ?? "")).toEqual(["main"]);
  expect(await branches(bares["org/web-deploy"] ?? "")).toEqual(["main"]);
  expect([...github.pullsOf("org/platform-deploy"), ...github.pullsOf("org/web-deploy")]).toEqual([]);
}, 90_000);

it("with --open, opens one pull request per repository holding all of that repository's updates", async () => {
  const { stdout } = await run("--open");
  expect(stdout).toContain("2 repositories with updates\n");
  expect(stdout.match(/^pull request opened: /gm)).toHaveLength(2);
  for (const [repo, names] of [
    ["org/platform-deploy", ["api", "worker"]],
    ["org/web-deploy", ["web"]],
  ] as const) {
    const pulls = github.pullsOf(repo);
    expect(pulls.map((p) => [p.head, p.base, p.state])).toEqual([["image-updater/fleet", "main", "open"]]);
    const bare = bares[repo] ?? "";
    const log = await readBranchLog(bare, "image-updater/fleet");
    // One commit on top of main, touching every application of the repository.
    expect(log).toHaveLength(2);
    const files = await readBranchFiles(bare, "image-updater/fleet");
    for (const name of names) {
      expect(files[`${name}/deployment.yaml`]).toContain(`${registry.host}/team/${name}:1.1.0\n`);
      expect(`${pulls[0]?.title}\n${pulls[0]?.body}`).toContain(name);
    }
    expect((await readBranchFiles(bare, "main"))[`${names[0]}/deployment.yaml`]).toContain(":1.0.0\n");
  }
}, 90_000);
