import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBareRepo, readBranchFiles, type SshGitServer, startSshGitServer } from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedManifests } from "../src/demo/gitops-repo.js";
import { runOnce, writeLayoutRegistry, writeSecrets, writeSeedApplications } from "./cli-fixture.js";
import { secretManifest } from "./e2e-fixture.js";

const IMAGE = "docker.io/myorg/myapp";

let sshd: SshGitServer;
let dir: string;
let bare: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-e2e-ssh-"));
  sshd = await startSshGitServer();
  bare = await createBareRepo(sshd.root, "manifests", seedManifests(IMAGE, "1.0.0"));
  const repoUrl = sshd.repoUrl("manifests");
  // Staging names its Secret, as the seed's `git-creds` deploy key; production uses Argo CD's repository Secret.
  await writeSeedApplications(dir, repoUrl, IMAGE, (text) =>
    text.replace("write-back-method: git\n", "write-back-method: git:secret:argocd/git-creds\n"),
  );
  const key = sshd.deployKey.privateKey;
  await writeSecrets(dir, [
    secretManifest("git-creds", { sshPrivateKey: key }),
    secretManifest(
      "manifests-repo",
      { url: repoUrl, sshPrivateKey: key },
      { "argocd.argoproj.io/secret-type": "repository" },
    ),
  ]);
  await writeLayoutRegistry(dir, [
    { tag: "1.0.0", created: "2026-01-01T00:00:00Z" },
    { tag: "1.2.4-beta", created: "2026-01-03T00:00:00Z" },
    { tag: "1.3.0", created: "2026-01-02T00:00:00Z" },
  ]);
});
afterAll(async () => {
  await sshd?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("image-updater run --once over SSH with a deploy key", () => {
  it("pushes staging to main and production to image-update/myapp-1.3.0, checking the host key", async () => {
    const { code, text } = await runOnce(dir, ["--ssh-known-hosts-path", sshd.knownHostsPath]);

    expect(code).toBe(0);
    const main = await readBranchFiles(bare, "main");
    expect(main["staging/deployment.yaml"]).toContain(`image: ${IMAGE}:1.2.4-beta`);
    const branch = await readBranchFiles(bare, "image-update/myapp-1.3.0");
    expect(branch["production/deployment.yaml"]).toContain(`image: ${IMAGE}:1.3.0`);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain('msg="Failed to commit"');
  }, 120_000);

  it("refuses an unknown host key, keeps ssh's line and says to trust the host key; every app failed: exit 4", async () => {
    await writeFile(join(dir, "empty_known_hosts"), "");
    const { code, text } = await runOnce(dir, ["--ssh-known-hosts-path", join(dir, "empty_known_hosts")], "cache-2");

    expect(code).toBe(4);
    expect(text).toMatch(
      /level=error msg="Could not process application" application=myapp-staging namespace=argocd .*Host key verification failed\..*code=GIT_AUTH .*hint="the server's SSH host key is not trusted: add it to the known_hosts file/,
    );
    expect(text).not.toContain("PRIVATE KEY");
  }, 120_000);
});
