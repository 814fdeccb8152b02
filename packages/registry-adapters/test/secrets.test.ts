/**
 * No credential or token may appear in an error message, a warning, a request event or a policy event,
 * whatever fails. Every failure path is driven for real and every string produced is searched.
 */
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupBench, type ScriptedRegistry, startScriptedRegistry } from "@image-updater/bench";
import { type SecretResolver, withRegistryPolicies } from "@image-updater/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  createCredentialSource,
  createExtCredentials,
  createOciRegistryClient,
  type OciRegistryClientOptions,
} from "../src/index.js";
import { benchEndpoint } from "./harness.js";

const PASSWORD = "Pw-0f-the-robot-9d2c";
const WRONG = "Wrong-pw-7e1a55";
const SECRETS = [PASSWORD, WRONG, Buffer.from(`robot:${PASSWORD}`).toString("base64")];

const produced: string[] = [];
const servers: ScriptedRegistry[] = [];
let dir = "";

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  if (dir !== "") await rm(dir, { recursive: true, force: true });
  await cleanupBench();
});

/** Every string an error exposes: message, stack, own fields, and the same for its causes. */
function strings(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === undefined || error === null) return [];
  if (!(error instanceof Error)) return [String(error)];
  return [error.message, error.stack ?? "", JSON.stringify(error), ...strings(error.cause, depth + 1)];
}

async function capture(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    produced.push(...strings(error));
    return;
  }
}

async function registry(auth: "basic" | "bearer", faults = false): Promise<ScriptedRegistry> {
  const server = await startScriptedRegistry({
    repositories: { "team/app": [{ tags: ["1.0.0", "1.1.0"], platforms: ["linux/amd64", "linux/arm64"] }] },
    pageSize: 1,
    auth: { scheme: auth, username: "robot", password: PASSWORD },
    ...(faults
      ? {
          faults: [
            { path: "*/tags/list", status: 429, retryAfter: 0, times: 1 },
            { path: "*/manifests/*", status: 503, times: 2 },
            { path: "*/blobs/*", body: "malformed" },
          ],
        }
      : {}),
  });
  servers.push(server);
  return server;
}

function client(server: ScriptedRegistry, options: Partial<OciRegistryClientOptions> = {}) {
  return createOciRegistryClient({
    endpoints: [benchEndpoint(server.host, server.url)],
    maxTags: 1,
    onWarning: (message) => produced.push(message),
    onRequest: (event) => produced.push(JSON.stringify(event)),
    ...options,
  });
}

describe("secrets never leak", () => {
  it("stay out of every message, warning and event, on every failure path", async () => {
    dir = await mkdtemp(join(tmpdir(), "secrets-"));
    const leaky = join(dir, "leaky.sh");
    await writeFile(leaky, `#!/bin/sh\necho "robot:${PASSWORD}" >&2\necho "not-a-pair-${PASSWORD}"\n`);
    await chmod(leaky, 0o755);
    const failing = join(dir, "failing.sh");
    await writeFile(failing, `#!/bin/sh\necho "robot:${PASSWORD}"\necho "${PASSWORD}" >&2\nexit 3\n`);
    await chmod(failing, 0o755);
    const resolver: SecretResolver = {
      async getSecret(_ns, name): Promise<Record<string, string>> {
        if (name === "other-host") {
          return { ".dockerconfigjson": JSON.stringify({ auths: { "quay.io": { auth: SECRETS[2] } } }) };
        }
        return { creds: `no-colon-${PASSWORD}` };
      },
    };
    const tokens: string[] = [];

    for (const scheme of ["basic", "bearer"] as const) {
      const good = await registry(scheme, true);
      const creds = { [good.host]: { username: "robot", password: PASSWORD } };
      const ok = withRegistryPolicies(client(good, { credentials: creds }), {
        retry: { baseDelayMs: 1, retries: 1 },
        onCall: (event) => produced.push(JSON.stringify(event)),
        onWarning: (message) => produced.push(message),
      });
      const repo = { registry: good.host, repository: "team/app" };
      await capture(() => ok.listTags(repo));
      await capture(() => ok.getDigest(repo, "1.0.0"));
      await capture(() => ok.getMetadata(repo, "1.0.0"));
      await capture(() => ok.getMetadata(repo, "1.1.0"));
      await capture(() => client(good, { credentials: creds, timeoutMs: 1 }).listTags(repo));
      produced.push(...ok.requestCounts().map((count) => JSON.stringify(count)));
      for (const request of good.requests) {
        const header = request.headers.authorization ?? "";
        if (header.startsWith("Bearer ")) tokens.push(header.slice("Bearer ".length));
      }

      const wrong = { [good.host]: { username: "robot", password: WRONG } };
      await capture(() => client(good, { credentials: wrong }).listTags(repo));
      await capture(() => client(good).listTags(repo));
      await capture(() =>
        client(good, { credentials: { [good.host]: createExtCredentials({ path: leaky }) } }).listTags(repo),
      );
      await capture(() =>
        client(good, { credentials: { [good.host]: createExtCredentials({ path: failing }) } }).listTags(repo),
      );
      for (const reference of [
        { kind: "pullsecret" as const, namespace: "ns", name: "other-host" },
        { kind: "secret" as const, namespace: "ns", name: "plain", field: "creds" },
        { kind: "env" as const, variable: "REGISTRY_CREDS_FOR_TEST" },
      ]) {
        const source = createCredentialSource(reference, {
          secrets: resolver,
          env: { REGISTRY_CREDS_FOR_TEST: `no-colon-${PASSWORD}` },
          registries: [good.host],
        });
        await capture(() => client(good, { credentials: { [good.host]: source } }).listTags(repo));
      }
    }

    expect(tokens.length).toBeGreaterThan(0);
    expect(produced.length).toBeGreaterThan(40);
    for (const path of [
      "REGISTRY_AUTH",
      "CREDENTIALS_UNAVAILABLE",
      "REGISTRY_PROTOCOL",
      "TIMEOUT",
      "maxTags",
      "retry",
    ]) {
      expect(produced.some((text) => text.includes(path))).toBe(true);
    }
    for (const secret of [...SECRETS, ...tokens]) {
      expect(produced.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
