/**
 * A pull request the API refuses says so, and is opened by the next run that can: the real git http-backend
 * takes the write branch, the GitHub API double (no hosted API can run here; it keeps GitHub's 401 "Bad
 * credentials") refuses an expired token and accepts a good one.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBranchFiles, readBranchLog } from "@image-updater/bench";
import { type GitHubApiDouble, startGitHubApiDouble } from "@image-updater/doubles";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import { type SeedServices, startSeedServices, writeSeedRun } from "./cli-fixture.js";

const BRANCH = "image-update/myapp-1.3.0";
const GOOD_TOKEN = "ghp_double_token";

let services: SeedServices;
let github: GitHubApiDouble;
let later: GitHubApiDouble;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "iu-e2e-pr-"));
  [services, github, later] = await Promise.all([
    startSeedServices({ "1.0.0": "2026-01-01T01:00:00Z", "1.3.0": "2026-01-01T02:00:00Z" }),
    startGitHubApiDouble({ repository: "org/deploy" }),
    startGitHubApiDouble({ repository: "org/later" }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([services?.stop(), github?.stop(), later?.stop()]);
  await rm(root, { recursive: true, force: true });
});

interface LogLine {
  readonly msg: string;
  readonly hint?: string;
  readonly applications?: string;
  readonly url?: string;
}

/** One `run --once` over `dir` with a GitHub provider at `api` (none when absent); resolves its JSON lines. */
async function runOnce(dir: string, provider?: { readonly api: GitHubApiDouble; readonly token: string }) {
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
  const args = ["run", "--once", "--logformat", "json", "--applications-dir", join(dir, "applications")];
  const paths = ["--secrets-dir", join(dir, "secrets"), "--registries-conf-path", join(dir, "registries.conf")];
  const pr =
    provider === undefined ? [] : ["--pull-request-provider", "github", "--pull-request-api-url", provider.api.url];
  await runCli([...args, ...paths, ...pr, "--cache-dir", join(dir, "cache")], {
    ...io,
    env: { HOME: dir, ...(provider === undefined ? {} : { PULL_REQUEST_TOKEN: provider.token }) },
  });
  const text = out.join("");
  const lines = text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
  return { text, lines };
}

it("a 401 is logged with the PULL_REQUEST_TOKEN hint, and the next run with a good token opens the pull request", async () => {
  const dir = join(root, "refused");
  await mkdir(dir);
  const bare = await writeSeedRun(dir, services, { name: "org/deploy", tag: "1.0.0" });

  const refused = await runOnce(dir, { api: github, token: "ghp_expired" });

  expect(Object.keys(await readBranchFiles(bare, BRANCH))).toContain("production/deployment.yaml");
  expect(refused.lines.find((line) => line.msg === "The pull-request API refused the token")).toMatchObject({
    applications: "myapp-production",
    hint: expect.stringContaining("check PULL_REQUEST_TOKEN"),
  });
  expect(refused.lines.map((line) => line.msg)).not.toContain("Failed to commit");
  expect(refused.text).not.toContain("ghp_expired");
  const pushed = await readBranchLog(bare, BRANCH);
  const before = github.requests.length;

  const retried = await runOnce(dir, { api: github, token: GOOD_TOKEN });

  expect(await readBranchLog(bare, BRANCH)).toEqual(pushed);
  expect(github.pulls).toMatchObject([{ head: BRANCH, base: "main", state: "open" }]);
  expect(retried.lines.find((line) => line.msg === "Opened pull request")).toMatchObject({
    applications: "myapp-production",
  });
  // One lookup, one create: nothing else for one branch.
  expect(github.requests.slice(before).map((request) => `${request.method} ${request.path}`)).toEqual([
    "GET /repos/org/deploy/pulls",
    "POST /repos/org/deploy/pulls",
  ]);

  const again = await runOnce(dir, { api: github, token: GOOD_TOKEN });
  expect(github.pulls).toHaveLength(1);
  expect(again.lines.map((line) => line.msg)).not.toContain("Opened pull request");
}, 180_000);

it("a pull-request provider configured after the branch was pushed opens its pull request", async () => {
  const dir = join(root, "later");
  await mkdir(dir);
  const bare = await writeSeedRun(dir, services, { name: "org/later", tag: "1.0.0" });

  await runOnce(dir);
  expect(Object.keys(await readBranchFiles(bare, BRANCH))).toContain("production/deployment.yaml");
  expect(later.requests).toEqual([]);

  const enabled = await runOnce(dir, { api: later, token: GOOD_TOKEN });

  expect(later.pulls).toMatchObject([{ head: BRANCH, base: "main", state: "open" }]);
  expect(enabled.lines.find((line) => line.msg === "Opened pull request")).toBeDefined();
}, 180_000);
