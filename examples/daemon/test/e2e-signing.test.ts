/**
 * The seed's signing key form end to end: `git.commit-sign-key: /path/to/gpg-key` in the mounted ConfigMap
 * folder, one `run --once` against a real registry and git http-backend, the commit checked with
 * `git verify-commit`.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { readBranchFiles } from "@image-updater/bench";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runOnce, type SeedServices, startSeedServices, writeSeedRun } from "./cli-fixture.js";

const run = promisify(execFile);

let services: SeedServices;
let dir: string;
let ownerHome: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "iu-e2e-sign-"));
  ownerHome = join(dir, "gnupg");
  await mkdir(ownerHome, { mode: 0o700 });
  services = await startSeedServices({ "1.0.0": "2026-01-01T01:00:00Z", "1.1.0": "2026-01-01T02:00:00Z" });
}, 60_000);
afterAll(async () => {
  await services?.stop();
  await run("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: ownerHome } }).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

it("signs the commit with the key file named by git.commit-sign-key", async () => {
  const env = { ...process.env, GNUPGHOME: ownerHome };
  await run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "bot <bot@example.test>", "ed25519", "sign"], {
    env,
  });
  const keyFile = join(dir, "gpg-key");
  await writeFile(keyFile, (await run("gpg", ["--batch", "--armor", "--export-secret-keys"], { env })).stdout);
  const bare = await writeSeedRun(dir, services, { name: "manifests", tag: "1.0.0" });
  const config = join(dir, "config");
  await mkdir(config);
  await writeFile(join(config, "git.commit-sign-key"), `${keyFile}\n`);
  await writeFile(join(config, "git.user"), "bot\n");
  await writeFile(join(config, "git.email"), "bot@example.test\n");

  const { code, text } = await runOnce(dir, ["--config-dir", config]);

  expect(code, text).toBe(0);
  expect((await readBranchFiles(bare, "main"))["staging/deployment.yaml"]).toContain(`${services.image}:1.1.0`);
  const verified = await run("git", ["--git-dir", bare, "verify-commit", "main"], { env });
  expect(verified.stderr).toContain('Good signature from "bot <bot@example.test>"');
}, 120_000);
