import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CredentialReference, SecretResolver } from "@image-updater/core";
import { afterEach, describe, expect, it } from "vitest";
import { createCachedSource } from "../src/credentials/cache.js";
import { createEnvCredentials } from "../src/credentials/env.js";
import { createExtCredentials } from "../src/credentials/ext.js";
import { credentialReferenceKey } from "../src/credentials/reference.js";
import { createPullSecretCredentials, createSecretCredentials } from "../src/credentials/secret.js";
import { createCredentialSource, createStaticCredentials } from "../src/index.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function script(body: string): Promise<{ path: string; runs: () => Promise<number> }> {
  const dir = await mkdtemp(join(tmpdir(), "ext-"));
  dirs.push(dir);
  const path = join(dir, "creds.sh");
  await writeFile(path, `#!/bin/sh\necho run >> "${dir}/runs"\n${body}\n`);
  await chmod(path, 0o755);
  return {
    path,
    runs: async () => (await readFile(join(dir, "runs"), "utf8").catch(() => "")).split("\n").filter(Boolean).length,
  };
}

/** Kubernetes Secrets as k8s-source will hand them over (decoded data); a double, no API server. */
function secrets(data: Record<string, Record<string, string>>): SecretResolver & { reads: number } {
  const resolver = {
    reads: 0,
    async getSecret(namespace: string, name: string) {
      resolver.reads++;
      return data[`${namespace}/${name}`] ?? null;
    },
  };
  return resolver;
}

function dockerConfig(auths: Record<string, { user: string; pass: string }>): string {
  return JSON.stringify({
    auths: Object.fromEntries(
      Object.entries(auths).map(([key, { user, pass }]) => [
        key,
        { auth: Buffer.from(`${user}:${pass}`).toString("base64") },
      ]),
    ),
  });
}

describe("env: credentials", () => {
  it.each([
    [{ CREDS: "user:pa:ss" }, { username: "user", password: "pa:ss" }],
    [{ CREDS: '_json_key:{"a":1}' }, { username: "_json_key", password: '{"a":1}' }],
  ])("read %j", async (env, expected) => {
    expect(await createEnvCredentials({ variable: "CREDS", env }).get()).toEqual(expected);
  });

  it.each([
    [{}, "not set"],
    [{ CREDS: "" }, "not set"],
    [{ CREDS: "nocolon" }, "user:password"],
  ])("reject %j with CREDENTIALS_UNAVAILABLE", async (env, detail) => {
    const error = await createEnvCredentials({ variable: "CREDS", env })
      .get()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "CREDENTIALS_UNAVAILABLE" });
    expect((error as Error).message).toContain(detail);
  });
});

describe("ext: credentials", () => {
  it("run the script and cache its answer until credsexpire", async () => {
    const ext = await script("echo AWS:token-1");
    let clock = 0;
    const source = createExtCredentials({ path: ext.path, expireMs: 1000, now: () => clock });

    const first = await source.get();
    await source.get();
    clock = 1000;
    await source.get();

    expect(first).toEqual({ username: "AWS", password: "token-1" });
    expect(await ext.runs()).toBe(2);
  });

  it("run the script again after invalidate()", async () => {
    const ext = await script("echo AWS:token");
    const source = createExtCredentials({ path: ext.path });

    await source.get();
    const refreshable = source.invalidate();
    await source.get();

    expect(refreshable).toBe(true);
    expect(await ext.runs()).toBe(2);
  });

  it.each([
    ["sleep 5; echo a:b", "did not finish within 200 ms"],
    ["exit 3", "exit code 3"],
    ["echo no-pair", "did not print user:password"],
  ])("reject when the script does `%s`", async (body, detail) => {
    const ext = await script(body);

    const error = await createExtCredentials({ path: ext.path, timeoutMs: 200 })
      .get()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "CREDENTIALS_UNAVAILABLE" });
    expect((error as Error).message).toContain(detail);
  });

  it("refuse a relative path", async () => {
    await expect(createExtCredentials({ path: "creds.sh" }).get()).rejects.toMatchObject({
      code: "CREDENTIALS_UNAVAILABLE",
    });
  });
});

describe("secret: credentials", () => {
  it.each([
    [{ username: "u", password: "p" }, undefined, { username: "u", password: "p" }],
    [{ creds: "u:p" }, "creds", { username: "u", password: "p" }],
  ])("read %j (field %s)", async (data, field, expected) => {
    const resolver = secrets({ "ns/s": data });

    const source = createSecretCredentials({ resolver, namespace: "ns", name: "s", ...(field ? { field } : {}) });

    expect(await source.get()).toEqual(expected);
  });

  it.each([
    [{}, undefined, "username and password"],
    [{ creds: "nopair" }, "creds", "user:password"],
    [{ other: "u:p" }, "creds", "no field creds"],
  ])("reject %j (field %s)", async (data, field, detail) => {
    const source = createSecretCredentials({
      resolver: secrets({ "ns/s": data }),
      namespace: "ns",
      name: "s",
      ...(field ? { field } : {}),
    });

    const error = await source.get().catch((e: unknown) => e);

    expect((error as Error).message).toContain(detail);
  });

  it("reject a missing secret", async () => {
    const source = createSecretCredentials({ resolver: secrets({}), namespace: "ns", name: "gone" });

    await expect(source.get()).rejects.toMatchObject({ code: "CREDENTIALS_UNAVAILABLE" });
  });
});

describe("pullsecret: credentials", () => {
  it.each([
    ["https://index.docker.io/v1/", ["docker.io", "https://registry-1.docker.io"]],
    ["docker.io", ["docker.io", "https://registry-1.docker.io"]],
    ["ghcr.io", ["ghcr.io", "https://ghcr.io"]],
    ["registry.internal:5000", ["registry.internal:5000", "https://registry.internal:5000"]],
  ])("match the auths entry %s for %j", async (key, registries) => {
    const resolver = secrets({
      "argocd/regcred": {
        ".dockerconfigjson": dockerConfig({ "quay.io": { user: "x", pass: "y" }, [key]: { user: "u", pass: "p" } }),
      },
    });

    const source = createPullSecretCredentials({ resolver, namespace: "argocd", name: "regcred", registries });

    expect(await source.get()).toEqual({ username: "u", password: "p" });
  });

  it("read a legacy .dockercfg", async () => {
    const legacy = JSON.parse(dockerConfig({ "quay.io": { user: "u", pass: "p" } })).auths;
    const resolver = secrets({ "ns/old": { ".dockercfg": JSON.stringify(legacy) } });

    const source = createPullSecretCredentials({ resolver, namespace: "ns", name: "old", registries: ["quay.io"] });

    expect(await source.get()).toEqual({ username: "u", password: "p" });
  });

  it("explain which registry had no entry", async () => {
    const resolver = secrets({
      "ns/s": { ".dockerconfigjson": dockerConfig({ "quay.io": { user: "u", pass: "p" } }) },
    });
    const source = createPullSecretCredentials({ resolver, namespace: "ns", name: "s", registries: ["ghcr.io"] });

    const error = await source.get().catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "CREDENTIALS_UNAVAILABLE" });
    expect((error as Error).message).toContain("no auths entry for ghcr.io");
  });

  it("read the secret once until invalidated", async () => {
    const resolver = secrets({
      "ns/s": { ".dockerconfigjson": dockerConfig({ "ghcr.io": { user: "u", pass: "p" } }) },
    });
    const source = createPullSecretCredentials({ resolver, namespace: "ns", name: "s", registries: ["ghcr.io"] });

    await source.get();
    await source.get();
    source.invalidate();
    await source.get();

    expect(resolver.reads).toBe(2);
  });
});

describe("createCredentialSource", () => {
  it.each([
    [{ kind: "env", variable: "V" }, "env:V"],
    [{ kind: "ext", path: "/bin/creds" }, "ext:/bin/creds"],
    [{ kind: "pullsecret", namespace: "ns", name: "n" }, "pullsecret:ns/n"],
    [{ kind: "secret", namespace: "ns", name: "n", field: "f" }, "secret:ns/n#f"],
    [{ kind: "secret", namespace: "ns", name: "n" }, "secret:ns/n"],
  ] as [CredentialReference, string][])("keys %j as %s", (reference, key) => {
    expect(credentialReferenceKey(reference)).toBe(key);
    expect(createCredentialSource(reference, { secrets: secrets({}) }).id).toBe(key);
  });

  it("rejects secret references when no SecretResolver was given", async () => {
    const source = createCredentialSource({ kind: "pullsecret", namespace: "ns", name: "n" });

    await expect(source.get()).rejects.toMatchObject({ code: "CREDENTIALS_UNAVAILABLE" });
    expect(source.invalidate()).toBe(false);
  });
});

describe("createCachedSource and createStaticCredentials", () => {
  it("does not keep a failed read", async () => {
    let calls = 0;
    const source = createCachedSource({
      id: "flaky",
      async fetch() {
        calls++;
        if (calls === 1) throw new Error("first read fails");
        return { username: "u", password: "p" };
      },
    });

    await expect(source.get()).rejects.toThrow();
    expect(await source.get()).toEqual({ username: "u", password: "p" });
    expect(calls).toBe(2);
  });

  it("static credentials cannot be refreshed", async () => {
    const source = createStaticCredentials({ username: "u", password: "p" });

    expect(await source.get()).toEqual({ username: "u", password: "p" });
    expect(source.invalidate()).toBe(false);
  });
});
