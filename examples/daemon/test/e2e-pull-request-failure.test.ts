/**
 * A pull request the API refuses says so: the real git http-backend takes the write branch, the GitHub API
 * double (no hosted API can run here; it keeps GitHub's 401 "Bad credentials") refuses the token.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBranchFiles } from "@image-updater/bench";
import { type GitHubApiDouble, startGitHubApiDouble } from "@image-updater/doubles";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import { type SeedServices, startSeedServices, writeSeedRun } from "./cli-fixture.js";

let services: SeedServices;
let github: GitHubApiDouble;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "iu-e2e-pr-"));
  [services, github] = await Promise.all([
    startSeedServices({ "1.0.0": "2026-01-01T01:00:00Z", "1.3.0": "2026-01-01T02:00:00Z" }),
    startGitHubApiDouble({ repository: "org/deploy" }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([services?.stop(), github?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

it("a 401 from the pull-request API is logged as a refused token with the PULL_REQUEST_TOKEN hint", async () => {
  const bare = await writeSeedRun(dir, services, { name: "org/deploy", tag: "1.0.0" });
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
  const args = ["run", "--once", "--logformat", "json", "--applications-dir", join(dir, "applications")];
  const paths = ["--secrets-dir", join(dir, "secrets"), "--registries-conf-path", join(dir, "registries.conf")];
  const pr = ["--pull-request-provider", "github", "--pull-request-api-url", github.url];

  await runCli([...args, ...paths, ...pr, "--cache-dir", join(dir, "cache")], {
    ...io,
    env: { HOME: dir, PULL_REQUEST_TOKEN: "ghp_expired" },
  });
  const lines = out
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg: string; hint?: string; applications?: string });

  expect(Object.keys(await readBranchFiles(bare, "image-update/myapp-1.3.0"))).toContain("production/deployment.yaml");
  expect(lines.find((line) => line.msg === "The pull-request API refused the token")).toMatchObject({
    applications: "myapp-production",
    hint: expect.stringContaining("check PULL_REQUEST_TOKEN"),
  });
  expect(lines.map((line) => line.msg)).not.toContain("Failed to commit");
  expect(out.join("")).not.toContain("ghp_expired");
}, 120_000);
