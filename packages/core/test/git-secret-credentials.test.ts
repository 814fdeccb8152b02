import { describe, expect, it } from "vitest";
import {
  ARGOCD_SECRET_TYPE_LABEL,
  findRepositorySecret,
  gitCredentialsFromSecret,
  missingGitCredentialFields,
} from "../src/git/secret-credentials.js";

describe("gitCredentialsFromSecret", () => {
  it.each([
    ["ssh://git@host/org/repo.git", { sshPrivateKey: "KEY" }, { kind: "ssh", privateKey: "KEY" }],
    [
      "git@host:org/repo.git",
      { sshPrivateKey: "KEY", knownHosts: "host ssh-ed25519 AAAA", insecure: "true" },
      { kind: "ssh", privateKey: "KEY", knownHosts: "host ssh-ed25519 AAAA", insecureIgnoreHostKey: true },
    ],
    [
      "https://host/org/repo.git",
      { sshPrivateKey: "KEY", username: "u", password: "p" },
      { kind: "https", username: "u", password: "p" },
    ],
    [
      "https://host/org/repo.git",
      { password: "token" },
      { kind: "https", username: "x-access-token", password: "token" },
    ],
    ["https://host/org/repo.git", { sshPrivateKey: "KEY" }, null],
    ["ssh://git@host/org/repo.git", { username: "u" }, null],
  ])("%s with %j", (url, data, expected) => {
    expect(gitCredentialsFromSecret(data, url)).toEqual(expected);
  });

  it("says which fields are missing for the kind of remote, never quoting values", () => {
    expect(missingGitCredentialFields("argocd/git", "git@host:org/repo.git")).toContain("`sshPrivateKey`");
    expect(missingGitCredentialFields("argocd/git", "https://host/repo")).toContain("`username` and `password`");
  });
});

describe("findRepositorySecret", () => {
  const secret = (type: string, url: string, name: string) => ({
    name,
    labels: { [ARGOCD_SECRET_TYPE_LABEL]: type },
    data: { url },
  });
  const secrets = [
    secret("repo-creds", "https://git.example.com/", "all"),
    secret("repo-creds", "https://git.example.com/org", "org"),
    secret("repository", "https://GIT.example.com/org/deploy.git/", "exact"),
    secret("other", "https://git.example.com/org/deploy", "ignored"),
  ];

  it("prefers the repository Secret with the same url (case, trailing / and .git ignored)", () => {
    expect(findRepositorySecret(secrets, "https://git.example.com/org/deploy")?.name).toBe("exact");
  });

  it("falls back to the repo-creds template with the longest url prefix", () => {
    expect(findRepositorySecret(secrets, "https://git.example.com/org/other.git")?.name).toBe("org");
    expect(findRepositorySecret(secrets, "https://git.example.com/team/x")?.name).toBe("all");
    expect(findRepositorySecret(secrets, "https://elsewhere.example.com/x")).toBeUndefined();
  });
});
