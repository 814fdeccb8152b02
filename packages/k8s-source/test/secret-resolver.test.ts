import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDirectorySecretResolver, type DirectoryWarning } from "../src/index.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir();
});
afterEach(async () => {
  await dir.remove();
});

const SECRETS = `apiVersion: v1
kind: Secret
metadata:
  name: docker-hub-creds
  namespace: argocd
type: Opaque
stringData:
  username: mon-user
  password: mon-token
---
apiVersion: v1
kind: Secret
metadata:
  name: git-creds
data:
  sshPrivateKey: ${Buffer.from("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n").toString("base64")}
  username: ${Buffer.from("from-data").toString("base64")}
stringData:
  username: from-string-data
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-secret
  namespace: argocd
data:
  username: x
`;

describe("createDirectorySecretResolver().getSecret()", () => {
  it.each([
    ["argocd", "docker-hub-creds", { username: "mon-user", password: "mon-token" }],
    [
      "argocd",
      "git-creds",
      { sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n", username: "from-string-data" },
    ],
    ["argocd", "not-a-secret", null],
    ["other", "docker-hub-creds", null],
    ["argocd", "missing", null],
  ])("%s/%s resolves to %j", async (namespace, name, expected) => {
    await dir.write("nested/secrets.yaml", SECRETS);
    const resolver = createDirectorySecretResolver({ dir: dir.path });

    const secret = await resolver.getSecret(namespace, name);

    expect(secret).toEqual(expected);
  });

  it("reads rotated values without a restart", async () => {
    const resolver = createDirectorySecretResolver({ dir: dir.path });
    await dir.write("s.yaml", SECRETS);
    const before = await resolver.getSecret("argocd", "docker-hub-creds");

    await dir.write("s.yaml", SECRETS.replace("mon-token", "rotated-token"));
    const after = await resolver.getSecret("argocd", "docker-hub-creds");

    expect([before?.password, after?.password]).toEqual(["mon-token", "rotated-token"]);
  });

  it("warns about invalid base64 and broken files without ever quoting a value", async () => {
    await dir.write(
      "a.yaml",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: 'not base64 s3cr3t!'\n  user: dXNlcg==\n",
    );
    await dir.write("b.yaml", 'apiVersion: v1\nkind: Secret\nstringData:\n  password: "s3cr3t-unclosed\n  x: [\n');
    const warnings: DirectoryWarning[] = [];
    const resolver = createDirectorySecretResolver({ dir: dir.path, onWarning: (w) => warnings.push(w) });

    const secret = await resolver.getSecret("argocd", "s");

    expect(secret).toEqual({ user: "user" });
    expect(warnings.map((w) => w.file)).toEqual(["b.yaml", "a.yaml"]);
    expect(warnings[1]?.message).toContain("data.password is not valid base64");
    expect(JSON.stringify(warnings)).not.toContain("s3cr3t");
  });

  it("rejects SOURCE_UNAVAILABLE when the folder is missing", async () => {
    const resolver = createDirectorySecretResolver({ dir: `${dir.path}/missing` });

    await expect(resolver.getSecret("argocd", "x")).rejects.toMatchObject({ code: "SOURCE_UNAVAILABLE" });
  });
});
