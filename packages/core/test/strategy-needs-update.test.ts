import { describe, expect, it } from "vitest";
import { findLiveImage, isSameImage, type LiveImage, matchesPlatform, needsUpdate } from "../src/index.js";
import { resolveCurrentImage } from "../src/strategy/needs-update.js";

const HUB = "docker.io";
const live: readonly LiveImage[] = [
  { registry: HUB, repository: "library/nginx", tag: "1.25.0" },
  { registry: "ghcr.io", repository: "org/app", tag: "1.2.3" },
  { registry: HUB, repository: "org/worker", tag: "latest", digest: "sha256:old" },
  { registry: HUB, repository: "org/worker", tag: "latest", digest: "sha256:new" },
  { registry: HUB, repository: "org/worker", tag: "stable", digest: "sha256:old" },
];

describe("findLiveImage", () => {
  it("matches on the normalised registry and repository", () => {
    expect(findLiveImage({ registry: HUB, repository: "library/nginx" }, live)?.tag).toBe("1.25.0");
    expect(findLiveImage({ registry: "ghcr.io", repository: "org/app" }, live)?.tag).toBe("1.2.3");
    expect(findLiveImage({ registry: HUB, repository: "org/app" }, live)).toBeUndefined();
  });

  it("reads status.summary.images entries as written and normalises names (nginx = docker.io/library/nginx)", () => {
    const summary = [
      "nginx:1.25.0",
      "harbor.example.com/library/nginx:9.9.9",
      "ghcr.io/org/app@sha256:" + "c".repeat(64),
      "not a reference",
    ];

    expect(findLiveImage("docker.io/library/nginx", summary)).toEqual({
      registry: "docker.io",
      repository: "library/nginx",
      tag: "1.25.0",
    });
    expect(findLiveImage("harbor.example.com/library/nginx", summary)?.tag).toBe("9.9.9");
    expect(findLiveImage({ registry: "ghcr.io", repository: "org/app" }, summary)?.digest).toBe(
      `sha256:${"c".repeat(64)}`,
    );
    expect(findLiveImage("quay.io/org/app", summary)).toBeUndefined();
  });

  it("tries the kustomize image name first", () => {
    const found = findLiveImage({ registry: HUB, repository: "library/nginx" }, live, {
      kustomizeImage: { registry: "ghcr.io", repository: "org/app" },
    });

    expect(found?.repository).toBe("org/app");
  });

  it("prefers, among containers sharing the image, the tracked tag and then a stale digest", () => {
    const worker = { registry: HUB, repository: "org/worker" };

    expect(findLiveImage(worker, live, { trackedTag: "latest", latestDigest: "sha256:new" })?.digest).toBe(
      "sha256:old",
    );
    expect(findLiveImage(worker, live, { trackedTag: "stable" })?.tag).toBe("stable");
    expect(findLiveImage(worker, live, { latestDigest: "sha256:old" })?.digest).toBe("sha256:new");
    expect(findLiveImage(worker, live)?.digest).toBe("sha256:old");
  });
});

describe("resolveCurrentImage", () => {
  it.each([
    [{ registry: HUB, repository: "x", tag: "1.0", digest: "sha256:a" }, false, { tag: "1.0", digest: "sha256:a" }],
    [{ registry: HUB, repository: "x" }, false, {}],
    [undefined, true, {}],
    [undefined, false, undefined],
  ])("live %j with force-update %s → %j", (image, force, expected) => {
    expect(resolveCurrentImage(image, force)).toEqual(expected);
  });
});

describe("isSameImage", () => {
  it.each([
    [{ tag: "1.0" }, { tag: "1.0" }, false, true],
    [{ tag: "1.0" }, { tag: "1.1" }, false, false],
    [{ tag: "1.0", digest: "sha256:a" }, { tag: "1.0" }, false, true],
    [{ tag: "1.0", digest: "sha256:a" }, { tag: "1.0", digest: "sha256:b" }, false, false],
    [{ tag: "1.0", digest: "sha256:a" }, { tag: "1.0-variant2", digest: "sha256:a" }, false, true],
    [{ tag: "1.0" }, { tag: "1.0", digest: "sha256:b" }, false, true],
    [{ digest: "sha256:a" }, { tag: "1.0", digest: "sha256:a" }, false, true],
    [{ digest: "sha256:a" }, { tag: "1.0" }, false, false],
    [{}, { tag: "1.0" }, false, false],
    [{ tag: "" }, { tag: "" }, false, false],
    [null, { tag: "1.0" }, false, false],
    [{ tag: "latest", digest: "sha256:a" }, { tag: "latest", digest: "sha256:a" }, true, true],
    [{ tag: "latest", digest: "sha256:a" }, { tag: "latest", digest: "sha256:b" }, true, false],
    [{ tag: "latest" }, { tag: "latest", digest: "sha256:b" }, true, false],
    [{ digest: "sha256:b" }, { tag: "latest", digest: "sha256:b" }, true, true],
  ])("running %j, chosen %j, tracking digests %s → %s", (current, chosen, tracksDigest, expected) => {
    expect(isSameImage(current, chosen, tracksDigest)).toBe(expected);
  });
});

describe("needsUpdate", () => {
  it.each([
    [{ tag: "1.0" }, { tag: "1.1" }, false, undefined, true, "changed"],
    [{ tag: "1.1" }, { tag: "1.1" }, false, undefined, false, "up-to-date"],
    [{ tag: "1.0" }, { tag: "1.1" }, false, { tag: "1.1" }, false, "already-set"],
    [{ tag: "1.0" }, { tag: "1.1" }, false, { tag: "1.0" }, true, "changed"],
    [{}, { tag: "1.1" }, false, null, true, "changed"],
    [
      { tag: "latest", digest: "sha256:a" },
      { tag: "latest", digest: "sha256:b" },
      true,
      { tag: "latest" },
      true,
      "changed",
    ],
    [
      { tag: "latest", digest: "sha256:a" },
      { tag: "latest", digest: "sha256:b" },
      true,
      { tag: "latest", digest: "sha256:b" },
      false,
      "already-set",
    ],
  ])("running %j, chosen %j (digest %s), spec %j → %s (%s)", (current, chosen, tracksDigest, spec, update, reason) => {
    expect(needsUpdate({ current, chosen, tracksDigest, ...(spec === undefined ? {} : { spec }) })).toEqual({
      update,
      reason,
    });
  });
});

describe("needsUpdate with a kustomize image override", () => {
  it("renames an image whose tag is unchanged but which runs under the override name", () => {
    const base = { current: { tag: "1.0" }, chosen: { tag: "1.0" }, tracksDigest: false };

    expect(needsUpdate({ ...base, liveName: "old/app", configuredName: "ghcr.io/org/app" })).toEqual({
      update: true,
      reason: "renamed",
    });
    expect(needsUpdate({ ...base, liveName: "nginx", configuredName: "docker.io/library/nginx" })).toEqual({
      update: false,
      reason: "up-to-date",
    });
  });
});

describe("matchesPlatform", () => {
  const amd = { os: "linux", architecture: "amd64" };
  const arm64 = { os: "linux", architecture: "arm64" };
  const arm64v8 = { ...arm64, variant: "v8" };
  const arm = { os: "linux", architecture: "arm" };
  const armv6 = { ...arm, variant: "v6" };
  const armv7 = { ...arm, variant: "v7" };

  it.each([
    [[], amd, true],
    [[amd], undefined, true],
    [[amd], amd, true],
    [[amd], arm64, false],
    [[arm64], arm64v8, true],
    [[arm64v8], arm64, true],
    [[armv7], arm, true],
    [[armv6], arm, false],
    [[arm], armv6, true],
    [[armv7], armv6, false],
    [[{ os: "Linux", architecture: "AMD64" }], amd, true],
    [[{ ...amd, variant: "v2" }], amd, false],
    [[amd], { ...amd, variant: "v3" }, true],
    [[{ os: "windows", architecture: "amd64" }], amd, false],
    [[amd, arm64], arm64v8, true],
  ])("wanted %j accepts %j: %s", (wanted, actual, expected) => {
    expect(matchesPlatform(wanted, actual)).toBe(expected);
  });
});
