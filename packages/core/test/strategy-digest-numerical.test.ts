import { describe, expect, it, vi } from "vitest";
import { type DecideUpdateInput, decideUpdate, isImageUpdaterError, type TagMetadataProvider } from "../src/index.js";

const NEW = `sha256:${"b".repeat(64)}`;
const OLD = `sha256:${"a".repeat(64)}`;

function digestProvider(digests: Readonly<Record<string, string>>) {
  return {
    get: vi.fn(async (tag: string) => {
      const digest = digests[tag];
      return digest === undefined
        ? null
        : { digest, kind: "oci-manifest" as const, labels: {}, platform: { os: "linux", architecture: "amd64" } };
    }),
    getDigest: vi.fn(async (tag: string) => digests[tag] ?? null),
  } satisfies TagMetadataProvider;
}

function digest(extra: Partial<DecideUpdateInput>) {
  return decideUpdate({ current: null, strategy: "digest", constraint: "latest", tags: ["1.0", "latest"], ...extra });
}

describe("digest strategy", () => {
  it("tracks the constraint tag with one HEAD-style digest read and writes tag@digest", async () => {
    const metadata = digestProvider({ latest: NEW, "1.0": OLD });

    const decision = await digest({ metadata, current: { tag: "latest", digest: OLD } });

    expect(decision).toMatchObject({
      kind: "update",
      tag: "latest",
      digest: NEW,
      message: expect.stringContaining(`latest@${NEW}`),
    });
    expect(decision.considered).toEqual([
      { tag: "1.0", kept: false, reason: "not-tracked", detail: "the digest strategy tracks `latest` only" },
      { tag: "latest", kept: true, reason: "allowed" },
    ]);
    expect(metadata.getDigest.mock.calls.map(([tag]) => tag)).toEqual(["latest"]);
    expect(metadata.get).not.toHaveBeenCalled();
  });

  it.each([
    [{ tag: "latest", digest: NEW }, "keep"],
    [{ digest: NEW }, "keep"],
    [{ tag: "latest" }, "update"],
    [{ tag: "latest", digest: OLD }, "update"],
    [null, "update"],
  ] as const)("running %j → %s", async (current, kind) => {
    expect((await digest({ metadata: digestProvider({ latest: NEW }), current })).kind).toBe(kind);
  });

  it("needs a constraint", async () => {
    const decision = await digest({ metadata: digestProvider({ latest: NEW }), constraint: "" });

    expect(isImageUpdaterError(decision.error, "STRATEGY_CONSTRAINT_INVALID")).toBe(true);
    expect(decision.message).toContain("needs the tag to track");
  });

  it("reads full metadata to check platforms when some are wanted", async () => {
    const metadata = digestProvider({ latest: NEW });

    const decision = await digest({ metadata, platforms: [{ os: "linux", architecture: "arm64" }] });

    expect(decision.kind).toBe("none");
    expect(decision.considered[1]).toMatchObject({ reason: "platform" });
    expect(metadata.get).toHaveBeenCalledTimes(1);
  });

  it("finds nothing when the tracked tag is gone", async () => {
    const decision = await digest({ metadata: digestProvider({}) });

    expect(decision.kind).toBe("none");
    expect(decision.considered[1]).toMatchObject({ reason: "no-metadata" });
  });

  it("ignores the downgrade guard: a tracked tag has no order", async () => {
    const decision = await digest({ metadata: digestProvider({ latest: NEW }), current: { tag: "zzz" } });

    expect(decision).toMatchObject({ kind: "update", tag: "latest" });
  });
});

describe("numerical strategy (Flux's numerical policy)", () => {
  it.each([
    [["1", "2", "3", "10"], "asc", "10"],
    [["1", "2", "3", "10"], "desc", "1"],
    [["0", "9", "8", "1"], "asc", "9"],
    [["1.5", "1.10", "-3"], "asc", "1.5"],
    [["-1", "-10", "-3"], "asc", "-1"],
    [["1e3", "999"], "asc", "1e3"],
    [["0.1", ".2"], "asc", ".2"],
  ] as const)("%j ordered %s picks %s", async (tags, order, expected) => {
    const decision = await decideUpdate({ current: null, strategy: "numerical", order, tags });

    expect(decision.tag).toBe(expected);
  });

  it("drops tags that are not numbers instead of failing the image", async () => {
    const decision = await decideUpdate({
      current: null,
      strategy: "numerical",
      tags: ["12", "latest", "1_000", "0x10", "NaN", "Infinity"],
    });

    expect(decision.tag).toBe("12");
    expect(decision.considered.filter((entry) => entry.reason === "unparsable").map((entry) => entry.tag)).toEqual([
      "latest",
      "1_000",
      "0x10",
      "NaN",
      "Infinity",
    ]);
  });

  it("breaks numeric ties by text: 1.0 and 1.00 are equal numbers", async () => {
    expect((await decideUpdate({ current: null, strategy: "numerical", tags: ["1.00", "1.0"] })).tag).toBe("1.00");
  });

  it("does not go below the running build number", async () => {
    const decision = await decideUpdate({ current: { tag: "120" }, strategy: "numerical", tags: ["100", "110"] });

    expect(decision.kind).toBe("none");
    expect(decision.considered.map((entry) => entry.reason)).toEqual(["downgrade", "downgrade"]);
  });
});

describe("tag extraction (Flux filterTags.extract)", () => {
  const fluxTags = ["main-1a2b3c-1000", "main-9f8e7d-1200", "main-aaaaaa-900", "feature-x-5000"];

  // Flux's braced spelling, built so no linter mistakes it for a template placeholder.
  const braced = ["$", "{ts}"].join("");

  it.each([{ group: "$ts" }, { group: braced }, { group: "ts" }, { group: 1 }, { group: "$1" }, {}])(
    "ranks on the extracted build number and writes the original tag (%j)",
    async (group) => {
      const decision = await decideUpdate({
        current: null,
        strategy: "numerical",
        extract: { pattern: "^main-[a-fA-F0-9]+-(?P<ts>.*)", ...group },
        tags: fluxTags,
      });

      expect(decision.tag).toBe("main-9f8e7d-1200");
      expect(decision.considered[3]).toMatchObject({ kept: false, reason: "extract" });
    },
  );

  it("extracts a version from a prefixed tag for semver (argocd-image-updater PR #407)", async () => {
    const decision = await decideUpdate({
      current: { tag: "version-5.6.9" },
      strategy: "semver",
      constraint: "~5.6",
      extract: { pattern: "^version-(.+)$" },
      tags: ["version-5.6.9", "version-5.6.16", "version-5.7.0", "5.6.20"],
    });

    expect(decision).toMatchObject({ kind: "update", tag: "version-5.6.16" });
  });

  it("orders tags extracting to the same value by their text", async () => {
    const decision = await decideUpdate({
      current: null,
      strategy: "numerical",
      extract: { pattern: "-([0-9]+)$" },
      tags: ["b-7", "a-7", "c-3"],
    });

    expect(decision.tag).toBe("b-7");
  });

  it.each([
    [{ pattern: "^(" }, "extract pattern"],
    [{ pattern: "^(?P<ts>.*)$", group: "nope" }, "no capture group named `nope`"],
    [{ pattern: "^(.*)$", group: 2 }, "no capture group 2"],
  ])("rejects %j with a CONFIG_INVALID error", async (extract, message) => {
    const decision = await decideUpdate({ current: null, strategy: "numerical", extract, tags: ["1"] });

    expect(isImageUpdaterError(decision.error, "CONFIG_INVALID")).toBe(true);
    expect(decision.message).toContain(message);
  });
});
