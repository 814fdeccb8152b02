import { type KubeApiDouble, startKubeApiDouble } from "@image-updater/doubles";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKubernetesSecrets } from "../src/index.js";
import { clientFor } from "./kube-fixture.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

function secret(name: string, data: Record<string, string>, labels: Record<string, string> = {}, namespace = "argocd") {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, labels },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

describe("createKubernetesSecrets (against the Kubernetes API double)", () => {
  let double: KubeApiDouble;
  beforeEach(async () => {
    double = await startKubeApiDouble({ namespaces: ["argocd", "ci"] });
  });
  afterEach(() => double.stop());

  it("decodes a Secret, answers null for a missing one, and reuses reads within the TTL", async () => {
    double.put("secrets", secret("regcred", { username: "robot", password: "s3cret-value" }, {}, "ci"));
    let clock = 0;
    const { client } = clientFor(double);
    const { resolver } = createKubernetesSecrets({ client, ttlMs: 1000, now: () => clock });

    expect(await resolver.getSecret("ci", "regcred")).toEqual({ username: "robot", password: "s3cret-value" });
    expect(await resolver.getSecret("ci", "missing")).toBeNull();
    await resolver.getSecret("ci", "regcred");
    const reads = () => double.requests.filter((r) => r.resource === "secrets" && r.name === "regcred").length;
    expect(reads()).toBe(1);
    double.put("secrets", secret("regcred", { username: "robot", password: "rotated" }, {}, "ci"));
    clock = 1001;
    expect((await resolver.getSecret("ci", "regcred"))?.password).toBe("rotated");
    expect(reads()).toBe(2);
  });

  it("rejects a Secret the Role does not allow with CREDENTIALS_UNAVAILABLE naming it, never its value", async () => {
    double.put("secrets", secret("regcred", { password: "s3cret-value" }, {}, "ci"));
    double.faults.push({ match: (r) => r.resource === "secrets", status: 403 });
    const { client } = clientFor(double);
    const error = await createKubernetesSecrets({ client })
      .resolver.getSecret("ci", "regcred")
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "CREDENTIALS_UNAVAILABLE" });
    expect((error as Error).message).toContain('get secrets "regcred" in namespace ci: 403 Forbidden');
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("finds git credentials in Argo CD's repository Secrets: exact url first, then the longest repo-creds prefix", async () => {
    const type = (t: string) => ({ "argocd.argoproj.io/secret-type": t });
    double.put(
      "secrets",
      secret(
        "deploy-repo",
        { url: "https://git.example.com/org/deploy.git", username: "bot", password: "repo-pass" },
        type("repository"),
      ),
    );
    double.put(
      "secrets",
      secret(
        "org-creds",
        { url: "https://git.example.com/org", username: "org-bot", password: "org-pass" },
        type("repo-creds"),
      ),
    );
    double.put(
      "secrets",
      secret("unrelated", { url: "https://git.example.com/org/other", username: "x", password: "y" }),
    );
    const { client } = clientFor(double);
    const { gitCredentials } = createKubernetesSecrets({ client });

    expect(await gitCredentials.resolve({ kind: "repocreds" }, "https://git.example.com/org/deploy")).toEqual({
      kind: "https",
      username: "bot",
      password: "repo-pass",
    });
    expect(await gitCredentials.resolve({ kind: "repocreds" }, "https://git.example.com/org/other.git")).toEqual({
      kind: "https",
      username: "org-bot",
      password: "org-pass",
    });
    expect(await gitCredentials.resolve({ kind: "repocreds" }, "https://elsewhere.example.com/x")).toBeNull();
    const lists = double.requests.filter((r) => r.verb === "list" && r.resource === "secrets");
    expect(lists).toHaveLength(1);
    expect(new URL(lists[0]?.url ?? "", "https://x").searchParams.get("labelSelector")).toBe(
      "argocd.argoproj.io/secret-type in (repository,repo-creds)",
    );
  });

  it("reads git:secret:NS/NAME by the kind of remote and says which fields are missing", async () => {
    double.put("secrets", secret("git-ssh", { sshPrivateKey: "-----BEGIN KEY-----" }));
    const { client } = clientFor(double);
    const { gitCredentials } = createKubernetesSecrets({ client });
    const named = { kind: "secret", namespace: "argocd", name: "git-ssh" } as const;

    expect(await gitCredentials.resolve(named, "ssh://git@git.example.com/deploy.git")).toEqual({
      kind: "ssh",
      privateKey: "-----BEGIN KEY-----",
    });
    const https = await gitCredentials.resolve(named, "https://git.example.com/deploy.git").catch((e: unknown) => e);
    expect(https).toMatchObject({ code: "CREDENTIALS_UNAVAILABLE" });
    expect((https as Error).message).toContain("Secret argocd/git-ssh has neither `username` and `password`");
    expect((https as Error).message).not.toContain("BEGIN KEY");
    const missing = await gitCredentials
      .resolve({ kind: "secret", namespace: "argocd", name: "nope" }, "https://x/y")
      .catch((e: unknown) => e);
    expect((missing as Error).message).toBe("[kubernetes] Secret argocd/nope for git write-back not found");
  });
});
