import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDirectoryGitCredentials } from "../src/index.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir();
  await dir.write(
    "secrets.yaml",
    `apiVersion: v1
kind: Secret
metadata:
  name: git-creds
  namespace: argocd
stringData:
  sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\\nkey\\n"
  username: bot
  password: token-1
---
apiVersion: v1
kind: Secret
metadata:
  name: private-repo
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: https://git.example.com/org/manifests.git
  username: repo-user
  password: repo-pass
---
apiVersion: v1
kind: Secret
metadata:
  name: org-template
  labels:
    argocd.argoproj.io/secret-type: repo-creds
stringData:
  url: https://git.example.com/org
  username: template-user
  password: template-pass
---
apiVersion: v1
kind: Secret
metadata:
  name: broad-template
  labels:
    argocd.argoproj.io/secret-type: repo-creds
stringData:
  url: https://git.example.com
  password: broad-token
---
apiVersion: v1
kind: Secret
metadata:
  name: empty
stringData:
  note: nothing here
`,
  );
});
afterEach(async () => {
  await dir.remove();
});

describe("createDirectoryGitCredentials().resolve()", () => {
  it.each([
    [
      "secret, SSH URL",
      { kind: "secret", namespace: "argocd", name: "git-creds" },
      "git@github.com:myorg/manifests.git",
      { kind: "ssh", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n" },
    ],
    [
      "secret, HTTPS URL",
      { kind: "secret", namespace: "argocd", name: "git-creds" },
      "https://github.com/myorg/manifests",
      { kind: "https", username: "bot", password: "token-1" },
    ],
    [
      "repocreds, exact repository",
      { kind: "repocreds" },
      "https://GIT.example.com/org/manifests/",
      { kind: "https", username: "repo-user", password: "repo-pass" },
    ],
    [
      "repocreds, longest template",
      { kind: "repocreds" },
      "https://git.example.com/org/other.git",
      { kind: "https", username: "template-user", password: "template-pass" },
    ],
    [
      "repocreds, token-only template",
      { kind: "repocreds" },
      "https://git.example.com/else/x",
      { kind: "https", username: "x-access-token", password: "broad-token" },
    ],
    ["repocreds, nothing matches", { kind: "repocreds" }, "file:///tmp/manifests.git", null],
  ] as const)("%s", async (_, source, url, expected) => {
    const resolver = createDirectoryGitCredentials({ dir: dir.path });

    const credentials = await resolver.resolve(source, url);

    expect(credentials).toEqual(expected);
  });

  it.each([
    [{ kind: "secret", namespace: "argocd", name: "missing" }, "not found"],
    [{ kind: "secret", namespace: "argocd", name: "empty" }, "neither `username` and `password`"],
  ] as const)("rejects CREDENTIALS_UNAVAILABLE for %j without quoting values", async (source, message) => {
    const resolver = createDirectoryGitCredentials({ dir: dir.path });

    const error = await resolver.resolve(source, "https://x/y").catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "CREDENTIALS_UNAVAILABLE", message: expect.stringContaining(message) });
    expect(String((error as Error).message)).not.toContain("nothing here");
  });
});
