import * as nodeSemver from "semver";
import { describe, expect, it } from "vitest";
import { sortBySemver } from "../src/strategy/semver.js";
import { compareText, compareVersions, parseVersion } from "../src/strategy/version.js";

describe("parseVersion (Masterminds NewVersion semantics)", () => {
  it.each([
    ["1.2.3", "1.2.3", ""],
    ["v1.2.3", "1.2.3", ""],
    ["1", "1.0.0", ""],
    ["1.2", "1.2.0", ""],
    ["v2.0", "2.0.0", ""],
    ["01.02.03", "1.2.3", ""],
    ["1.2.3-beta.1+build.7", "1.2.3", "beta.1"],
    ["20240102", "20240102.0.0", ""],
    ["2024-01-02", "2024.0.0", "01-02"],
    ["v2.3.0-rc.0.18.g1abb7b5dd-ppc64le", "2.3.0", "rc.0.18.g1abb7b5dd-ppc64le"],
    ["18446744073709551615", "18446744073709551615.0.0", ""],
  ])("reads %s as %s with pre-release %j", (text, core, prerelease) => {
    const version = parseVersion(text);

    expect(version && `${version.major}.${version.minor}.${version.patch}`).toBe(core);
    expect(version?.prerelease).toBe(prerelease);
    expect(version?.original).toBe(text);
  });

  it.each([
    "latest",
    "",
    "1.2.3.4",
    "a1b2c3d",
    "V1.2.3",
    "1.2.3-01",
    "1.2.3-",
    "1.2.3-a..b",
    "1.2.3+",
    "1.2.3_4",
    " 1.2.3",
    "1.2.3\n",
    "18446744073709551616",
    "release-1.2.3",
  ])("rejects %j", (text) => {
    expect(parseVersion(text)).toBeNull();
  });
});

describe("compareVersions", () => {
  it.each([
    ["1.0.0", "1.0.1", -1],
    ["1.10.0", "1.9.0", 1],
    ["1.0.0-alpha", "1.0.0", -1],
    ["1.0.0-alpha", "1.0.0-alpha.1", -1],
    ["1.0.0-alpha.1", "1.0.0-alpha.beta", -1],
    ["1.0.0-beta.2", "1.0.0-beta.11", -1],
    ["1.0.0-rc.1", "1.0.0-rc.10", -1],
    ["1.0.0-rc9", "1.0.0-rc10", 1],
    ["1.0.0+a", "1.0.0+b", 0],
    ["v2.0", "2.0.0", 0],
    ["18446744073709551615", "18446744073709551614", 1],
  ])("%s vs %s is %i", (a, b, expected) => {
    expect(compareVersions(parseVersion(a)!, parseVersion(b)!)).toBe(expected);
  });

  it("agrees with node-semver on canonical versions", () => {
    const versions = [
      "0.0.1",
      "0.1.0",
      "1.0.0-0",
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-beta.11",
      "1.0.0",
      "1.2.3",
      "10.0.0",
    ];
    for (const a of versions) {
      for (const b of versions) {
        expect(compareVersions(parseVersion(a)!, parseVersion(b)!)).toBe(nodeSemver.compare(a, b));
      }
    }
  });
});

describe("sortBySemver", () => {
  it("orders as argocd-image-updater's SortBySemVer, ties by text", () => {
    const tags = ["v2.0.2", "v1.0", "v2.0.0", "v1.0.1", "v2.0.3", "v2.0"];

    expect(sortBySemver(tags)).toEqual(["v1.0", "v1.0.1", "v2.0", "v2.0.0", "v2.0.2", "v2.0.3"]);
    expect(tags[0]).toBe("v2.0.2");
  });

  it("drops tags that are not versions", () => {
    expect(sortBySemver(["latest", "1.0", "sha-1a2b3c"])).toEqual(["1.0"]);
  });
});

describe("compareText", () => {
  it.each([
    ["26", "226", 1],
    ["a", "b", -1],
    ["B", "a", -1],
    ["abc", "abc", 0],
    ["ab", "abc", -1],
    ["\u{ff5e}", "\u{1f600}", -1],
  ])("%j vs %j is %i (UTF-8 byte order)", (a, b, expected) => {
    expect(compareText(a, b)).toBe(expected);
  });
});
