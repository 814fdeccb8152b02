/**
 * Conformance suite for {@link SecretResolver}s (Kubernetes Secrets through the API, Secret manifests in a
 * directory, memory). The harness stores the seed's Secrets in its backend in its own encoding (base64
 * `data`, `stringData`, …); the suite reads them back decoded.
 */
import type { SecretResolver } from "@image-updater/core";
import { expect } from "vitest";
import { describeFixtureCases, type SuiteOptions } from "../cases.js";

/** Decoded Secret data by `namespace/name`. */
export type SecretSeed = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The Secrets every resolver is tested with: registry credentials, a multi-line SSH key, UTF-8 and symbols. */
export const SECRET_SEED: SecretSeed = {
  "argocd/registry-creds": { username: "bot", password: "p@ss:w/rd=+" },
  "argocd/git-ssh": {
    sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
  },
  "team-a/registry-creds": { username: "team-a", password: "ünïcödé ✓" },
};

/** A resolver under test and the backend operation the suite changes it with. */
export interface SecretResolverFixture {
  readonly resolver: SecretResolver;
  /** Replaces (or with `null` deletes) Secret `namespace/name` in the backend. Absent: opt out of rotation. */
  set?(namespace: string, name: string, data: Readonly<Record<string, string>> | null): Promise<void>;
}

/** How a resolver family plugs into the suite. */
export interface SecretResolverHarness {
  /** A fresh resolver whose backend holds exactly `secrets`. Called once per test. */
  create(secrets: SecretSeed): Promise<SecretResolverFixture>;
  /** Stops servers, removes temp dirs. Called after each test. */
  cleanup?(): Promise<void>;
}

const CASES = {
  "getSecret() returns a Secret's data decoded, every key and value byte for byte": async ({
    resolver,
  }: SecretResolverFixture) => {
    expect(await resolver.getSecret("argocd", "registry-creds")).toEqual(SECRET_SEED["argocd/registry-creds"]);
    expect(await resolver.getSecret("argocd", "git-ssh")).toEqual(SECRET_SEED["argocd/git-ssh"]);
    expect(await resolver.getSecret("team-a", "registry-creds")).toEqual(SECRET_SEED["team-a/registry-creds"]);
  },

  "getSecret() resolves null for a Secret that does not exist, in that namespace or at all": async ({
    resolver,
  }: SecretResolverFixture) => {
    expect(await resolver.getSecret("argocd", "no-such-secret")).toBeNull();
    expect(await resolver.getSecret("team-b", "registry-creds")).toBeNull();
  },

  "getSecret() hands out a copy: changing it does not change the next read": async ({
    resolver,
  }: SecretResolverFixture) => {
    const first = (await resolver.getSecret("argocd", "registry-creds")) as Record<string, string>;
    first.password = "changed by a caller";

    expect(await resolver.getSecret("argocd", "registry-creds")).toEqual(SECRET_SEED["argocd/registry-creds"]);
  },

  "getSecret() reads a rotated Secret on the next call, and null once it is deleted": async (
    fixture: SecretResolverFixture,
  ) => {
    if (fixture.set === undefined) throw new Error("this case needs set(); opt out of it with a reason instead");
    await fixture.resolver.getSecret("argocd", "registry-creds");
    await fixture.set("argocd", "registry-creds", { username: "bot", password: "rotated" });

    expect(await fixture.resolver.getSecret("argocd", "registry-creds")).toEqual({
      username: "bot",
      password: "rotated",
    });
    await fixture.set("argocd", "registry-creds", null);
    expect(await fixture.resolver.getSecret("argocd", "registry-creds")).toBeNull();
  },

  "getSecret() rejects ABORTED when its signal is already aborted": async ({ resolver }: SecretResolverFixture) => {
    const controller = new AbortController();
    controller.abort();

    await expect(resolver.getSecret("argocd", "registry-creds", { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
  },
} as const;

/** Names of the cases, for type-checked opt-outs. */
export type SecretResolverCase = keyof typeof CASES;

/** Options of {@link describeSecretResolverConformance}: opt-outs by case name with a reason, and a per-case timeout (default 30 s). */
export type SecretResolverConformanceOptions = SuiteOptions<SecretResolverCase>;

export function describeSecretResolverConformance(
  name: string,
  harness: SecretResolverHarness,
  options: SecretResolverConformanceOptions = {},
): void {
  describeFixtureCases(
    `${name}: SecretResolver conformance`,
    CASES as Record<SecretResolverCase, (fixture: SecretResolverFixture) => Promise<void>>,
    { ...options, timeoutMs: options.timeoutMs ?? 30_000 },
    { create: () => harness.create(SECRET_SEED), cleanup: async () => harness.cleanup?.() },
  );
}
