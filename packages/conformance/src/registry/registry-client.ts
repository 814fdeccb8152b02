/**
 * The RegistryClient conformance suite: every registry client (OCI Distribution against a real registry,
 * image layout, in-memory, users' own) must pass it. Expectations are derived from the seed, so a harness
 * only has to make its backend hold the seed.
 */
import {
  type ImageMetadata,
  type ManifestKind,
  type ManifestMetadata,
  type Platform,
  type RegistryClient,
  withRegistryPolicies,
} from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { buildImage, type ImageSpec, toPlatform } from "./image-builder.js";

/** Images per repository, in the bench's {@link ImageSpec} form (what `pushImages` and `buildImage` take). */
export type RegistrySeed = Readonly<Record<string, readonly ImageSpec[]>>;

/**
 * The images every client is tested with: OCI and Docker v2 single manifests, a multi-arch OCI index with
 * variants, a Docker manifest list, two tags on one image, labels and `created` timestamps.
 */
export const REGISTRY_SEED: RegistrySeed = {
  "conformance/app": [
    {
      tags: ["1.0.0"],
      format: "oci",
      platforms: ["linux/amd64"],
      created: "2024-01-01T00:00:00Z",
      labels: { "org.opencontainers.image.version": "1.0.0" },
    },
    {
      tags: ["1.1.0", "latest"],
      format: "docker",
      platforms: ["linux/amd64"],
      created: "2024-02-01T10:20:30Z",
      labels: { "org.opencontainers.image.version": "1.1.0", maintainer: "team" },
    },
    {
      tags: ["2.0.0"],
      format: "oci",
      platforms: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"],
      created: "2024-03-01T00:00:00.123Z",
      labels: { "org.opencontainers.image.version": "2.0.0" },
    },
    {
      tags: ["2.1.0"],
      format: "docker",
      platforms: ["linux/amd64", "linux/arm64/v8"],
      created: "2024-04-01T00:00:00Z",
    },
  ],
  "conformance/other": [{ tags: ["v1"], created: "2023-06-01T12:30:45Z" }],
};

/**
 * A misbehaviour a backend can be made to show, for the resilience cases:
 * - `rate-limited-once`: the next tag listing answers 429 with `Retry-After: 1`;
 * - `unavailable`: every registry request answers 503;
 * - `slow`: answers take longer than the client's timeout;
 * - `malformed`: tag lists and manifests are broken JSON.
 */
export type RegistryFault = "rate-limited-once" | "unavailable" | "slow" | "malformed";

/** A client under test and the registry host to ask it about. */
export interface RegistryFixture {
  readonly client: RegistryClient;
  /** `ImageRepository.registry` of the seeded repositories, e.g. `127.0.0.1:5000`. */
  readonly registry: string;
  /** Makes the backend misbehave from now on. Harnesses without it must opt out of the resilience cases. */
  inject?(fault: RegistryFault): void;
}

/** How the suite gets a client. */
export interface RegistryHarness {
  /** A fresh client whose backend holds exactly `seed`. Called once per test. */
  create(seed: RegistrySeed): Promise<RegistryFixture>;
  /** Stops servers, removes temp dirs. Called after each test. */
  cleanup?(): Promise<void>;
  /**
   * The backend stores the seed's real manifest bytes (a registry, an image layout), so digests must equal the
   * sha256 of what was pushed. In-memory clients make up their own digests.
   */
  readonly contentAddressed?: boolean;
}

const APP = "conformance/app";

function specOf(seed: RegistrySeed, tag: string, repository = APP): ImageSpec {
  const spec = seed[repository]?.find((image) => image.tags.includes(tag));
  if (spec === undefined) throw new Error(`the seed has no ${repository}:${tag}`);
  return spec;
}

function kindOf(spec: ImageSpec): ManifestKind {
  const index = spec.index === true || (spec.platforms?.length ?? 1) > 1;
  if (spec.format === "docker") return index ? "docker-manifest-list" : "docker-manifest";
  return index ? "oci-index" : "oci-manifest";
}

function platformsOf(spec: ImageSpec): Platform[] {
  return (spec.platforms ?? ["linux/amd64"]).map(toPlatform);
}

function createdOf(spec: ImageSpec): Date {
  return new Date(spec.created ?? "2024-01-01T00:00:00Z");
}

function summary(image: ImageMetadata) {
  return {
    kind: image.kind,
    createdAt: image.createdAt?.toISOString(),
    platform: image.platform,
    labels: image.labels,
  };
}

interface CaseContext {
  readonly client: RegistryClient;
  readonly inject: (fault: RegistryFault) => void;
  readonly registry: string;
  readonly seed: RegistrySeed;
  readonly contentAddressed: boolean;
}

function repoOf(context: CaseContext, repository = APP) {
  return { registry: context.registry, repository };
}

async function metadata(context: CaseContext, tag: string, platforms?: Platform[]): Promise<ManifestMetadata> {
  const result = await context.client.getMetadata(repoOf(context), tag, platforms ? { platforms } : {});
  expect(result).not.toBeNull();
  return result as ManifestMetadata;
}

const CASES = {
  "listTags() returns every tag of the repository": async (context: CaseContext) => {
    const expected = (context.seed[APP] ?? []).flatMap((image) => image.tags);

    const tags = await context.client.listTags(repoOf(context));

    expect([...tags].sort()).toEqual([...expected].sort());
  },

  "listTags() rejects REGISTRY_NOT_FOUND for an unknown repository": async (context: CaseContext) => {
    await expect(context.client.listTags(repoOf(context, "conformance/missing"))).rejects.toMatchObject({
      code: "REGISTRY_NOT_FOUND",
    });
  },

  "getDigest() returns the digest getMetadata() reports, the same for two tags of one image": async (
    context: CaseContext,
  ) => {
    const digest = await context.client.getDigest(repoOf(context), "1.1.0");
    const other = await context.client.getDigest(repoOf(context), "latest");
    const meta = await metadata(context, "1.1.0");

    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(other).toBe(digest);
    expect(meta.digest).toBe(digest);
  },

  "getDigest() resolves null for an unknown tag": async (context: CaseContext) => {
    expect(await context.client.getDigest(repoOf(context), "9.9.9")).toBeNull();
  },

  "getMetadata() resolves null for an unknown tag": async (context: CaseContext) => {
    expect(await context.client.getMetadata(repoOf(context), "9.9.9")).toBeNull();
  },

  "getMetadata() reads an OCI image manifest: created, platform, labels": async (context: CaseContext) => {
    const spec = specOf(context.seed, "1.0.0");

    const meta = await metadata(context, "1.0.0");

    expect(summary(meta)).toEqual({
      kind: "oci-manifest",
      createdAt: createdOf(spec).toISOString(),
      platform: platformsOf(spec)[0],
      labels: spec.labels ?? {},
    });
    expect(meta.children).toBeUndefined();
  },

  "getMetadata() reads a Docker v2 manifest: created, platform, labels": async (context: CaseContext) => {
    const spec = specOf(context.seed, "1.1.0");

    const meta = await metadata(context, "1.1.0");

    expect(summary(meta)).toEqual({
      kind: "docker-manifest",
      createdAt: createdOf(spec).toISOString(),
      platform: platformsOf(spec)[0],
      labels: spec.labels ?? {},
    });
  },

  "getMetadata() reads every child of a multi-arch OCI index when no platform is asked": async (
    context: CaseContext,
  ) => {
    const spec = specOf(context.seed, "2.0.0");

    const meta = await metadata(context, "2.0.0");

    expect(meta.kind).toBe(kindOf(spec));
    expect(meta.createdAt?.toISOString()).toBe(createdOf(spec).toISOString());
    expect(meta.labels).toEqual(spec.labels ?? {});
    expect(meta.children?.map(summary)).toEqual(
      platformsOf(spec).map((platform) => ({
        kind: "oci-manifest",
        createdAt: createdOf(spec).toISOString(),
        platform,
        labels: spec.labels ?? {},
      })),
    );
    expect(new Set(meta.children?.map((child) => child.digest)).size).toBe(platformsOf(spec).length);
  },

  "getMetadata() reads a Docker manifest list and its children": async (context: CaseContext) => {
    const spec = specOf(context.seed, "2.1.0");

    const meta = await metadata(context, "2.1.0");

    expect(meta.kind).toBe("docker-manifest-list");
    expect(meta.children?.map((child) => [child.kind, child.platform])).toEqual(
      platformsOf(spec).map((platform) => ["docker-manifest", platform]),
    );
  },

  "getMetadata() keeps only index children of the requested platforms, variant-less matching any variant": async (
    context: CaseContext,
  ) => {
    const arm64 = await metadata(context, "2.0.0", [{ os: "linux", architecture: "arm64" }]);
    const two = await metadata(context, "2.0.0", [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm", variant: "v7" },
    ]);
    const none = await metadata(context, "2.0.0", [{ os: "windows", architecture: "amd64" }]);

    expect(arm64.children?.map((child) => child.platform)).toEqual([
      { os: "linux", architecture: "arm64", variant: "v8" },
    ]);
    expect(two.children?.map((child) => child.platform)).toEqual([
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm", variant: "v7" },
    ]);
    expect(none.children).toEqual([]);
    expect(none.digest).toBe(arm64.digest);
  },

  "getMetadata() by digest equals getMetadata() by tag, for an index and for its children": async (
    context: CaseContext,
  ) => {
    const byTag = await metadata(context, "2.0.0");
    const byDigest = await context.client.getMetadata(repoOf(context), byTag.digest);
    const child = byTag.children?.[1];
    const childByDigest = child ? await context.client.getMetadata(repoOf(context), child.digest) : null;

    expect(byDigest).toEqual(byTag);
    expect(childByDigest && summary(childByDigest)).toEqual(child && summary(child));
  },

  "getMetadata() fills createdAt and labels as its capabilities declare": async (context: CaseContext) => {
    const meta = await metadata(context, "1.0.0");
    const other = await context.client.getMetadata(repoOf(context, "conformance/other"), "v1");

    expect(meta.createdAt !== undefined).toBe(context.client.capabilities.createdAt);
    expect(Object.keys(meta.labels).length > 0).toBe(context.client.capabilities.labels);
    expect(other?.createdAt?.toISOString()).toBe(
      context.client.capabilities.createdAt ? "2023-06-01T12:30:45.000Z" : undefined,
    );
  },

  "digests are the sha256 of the stored manifests (content-addressed backends)": async (context: CaseContext) => {
    if (!context.contentAddressed) return;
    for (const spec of context.seed[APP] ?? []) {
      const built = buildImage(spec);
      const tag = spec.tags[0] ?? "";

      expect(await context.client.getDigest(repoOf(context), tag)).toBe(built.top.digest);
      expect((await metadata(context, tag)).children?.map((c) => c.digest)).toEqual(
        built.index ? built.manifests.map((m) => m.digest) : undefined,
      );
    }
  },

  "every method rejects with ABORTED when its signal is already aborted": async (context: CaseContext) => {
    const controller = new AbortController();
    controller.abort();
    const signal = controller.signal;

    await expect(context.client.listTags(repoOf(context), { signal })).rejects.toMatchObject({ code: "ABORTED" });
    await expect(context.client.getDigest(repoOf(context), "1.0.0", { signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
    await expect(context.client.getMetadata(repoOf(context), "2.0.0", { signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
  },

  "through withRegistryPolicies, a 429 is waited out for its Retry-After and the call then succeeds": async (
    context: CaseContext,
  ) => {
    const waits: number[] = [];
    const client = withRegistryPolicies(context.client, { sleep: async (ms) => void waits.push(ms), random: () => 0 });
    context.inject("rate-limited-once");

    const tags = await client.listTags(repoOf(context));

    expect(tags).toHaveLength((context.seed[APP] ?? []).flatMap((image) => image.tags).length);
    expect(waits).toEqual([1000]);
  },

  "through withRegistryPolicies, a registry answering 5xx is retried, then REGISTRY_UNAVAILABLE": async (
    context: CaseContext,
  ) => {
    const client = withRegistryPolicies(context.client, { sleep: async () => {}, circuitBreaker: false });
    context.inject("unavailable");

    await expect(client.listTags(repoOf(context))).rejects.toMatchObject({
      code: "REGISTRY_UNAVAILABLE",
      retryable: true,
    });
    expect(client.requestCounts()).toContainEqual({
      registry: context.registry,
      method: "listTags",
      outcome: "retry",
      count: 3,
    });
  },

  "a registry slower than the client's timeout rejects TIMEOUT": async (context: CaseContext) => {
    context.inject("slow");

    await expect(context.client.listTags(repoOf(context))).rejects.toMatchObject({ code: "TIMEOUT", retryable: true });
  },

  "aborting a slow call rejects ABORTED at once": async (context: CaseContext) => {
    context.inject("slow");
    const controller = new AbortController();

    const pending = context.client.getMetadata(repoOf(context), "2.0.0", { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);

    await expect(pending).rejects.toMatchObject({ code: "ABORTED", retryable: false });
  },

  "malformed JSON rejects REGISTRY_PROTOCOL, not retryable": async (context: CaseContext) => {
    context.inject("malformed");

    await expect(context.client.listTags(repoOf(context))).rejects.toMatchObject({
      code: "REGISTRY_PROTOCOL",
      retryable: false,
    });
    await expect(context.client.getMetadata(repoOf(context), "1.0.0")).rejects.toMatchObject({
      code: "REGISTRY_PROTOCOL",
    });
  },
} as const;

/** The cases that need {@link RegistryFixture.inject}. */
export const REGISTRY_RESILIENCE_CASES = [
  "through withRegistryPolicies, a 429 is waited out for its Retry-After and the call then succeeds",
  "through withRegistryPolicies, a registry answering 5xx is retried, then REGISTRY_UNAVAILABLE",
  "a registry slower than the client's timeout rejects TIMEOUT",
  "aborting a slow call rejects ABORTED at once",
  "malformed JSON rejects REGISTRY_PROTOCOL, not retryable",
] as const satisfies readonly (keyof typeof CASES)[];

/** Names of the cases, for type-checked opt-outs. */
export type RegistryCase = keyof typeof CASES;

/** Opt-outs of every resilience case, for backends that cannot be made to fail on demand. */
export function skipResilienceCases(reason: string): Partial<Record<RegistryCase, string>> {
  return Object.fromEntries(REGISTRY_RESILIENCE_CASES.map((title) => [title, reason]));
}

/** Options of {@link describeRegistryConformance}. */
export interface RegistryConformanceOptions {
  /** Cases to skip, each with the reason shown in the output. */
  readonly skip?: Partial<Record<RegistryCase, string>>;
  /** @default {@link REGISTRY_SEED} */
  readonly seed?: RegistrySeed;
}

/** Declares the suite for one client. Each case gets a fresh client from `harness`. */
export function describeRegistryConformance(
  name: string,
  harness: RegistryHarness,
  options: RegistryConformanceOptions = {},
): void {
  const seed = options.seed ?? REGISTRY_SEED;
  describe(`${name}: RegistryClient conformance`, () => {
    for (const [title, run] of Object.entries(CASES) as [RegistryCase, (context: CaseContext) => Promise<void>][]) {
      const reason = options.skip?.[title];
      it.skipIf(reason !== undefined)(reason ? `${title} (skipped: ${reason})` : title, async () => {
        const fixture = await harness.create(seed);
        try {
          await run({
            client: fixture.client,
            inject(fault) {
              if (fixture.inject === undefined) {
                throw new Error(`${name}: this case needs inject(); opt out of it with a reason instead`);
              }
              fixture.inject(fault);
            },
            registry: fixture.registry,
            seed,
            contentAddressed: harness.contentAddressed ?? false,
          });
        } finally {
          await fixture.client.dispose?.();
          await harness.cleanup?.();
        }
      });
    }
  });
}
