import * as nodeSemver from "semver";
import { describe, expect, it } from "vitest";
import { parseVersionConstraint } from "../src/strategy/constraint.js";
import { parseVersion } from "../src/strategy/version.js";

function satisfies(constraint: string, version: string): boolean {
  const parsed = parseVersionConstraint(constraint);
  if (parsed.constraint === undefined) throw new Error(`unexpected invalid constraint ${constraint}: ${parsed.error}`);
  const v = parseVersion(version);
  if (v === null) throw new Error(`not a version: ${version}`);
  return parsed.constraint.check(v) === null;
}

// Behaviour of Masterminds/semver v3.4.0 Check(), recorded as (constraint, version, result) facts.
const MASTERMINDS_CHECKS: readonly (readonly [string, string, boolean])[] = [
  // equality and implicit wildcards
  ["=2.0.0", "2.0.0", true],
  ["=2.0.0", "1.2.3", false],
  ["=2.0", "2.0.1", true],
  ["2.0", "2.0.0", true],
  ["2", "2.1.1", true],
  ["2", "3.4.5", false],
  ["2.1", "2.2.1", false],
  ["0.0.0", "1.2.3", false],
  ["=0", "1", false],
  ["v1.2.3", "1.2.3", true],
  ["1.2.3", "v1.2.3", true],
  // wildcards
  ["*", "4.5.6", true],
  ["*", "1.2.3-alpha.1", false],
  ["*-0", "1.2.3-alpha.1", true],
  ["2.*", "2.1.1", true],
  ["2.*", "3.4.5", false],
  ["2.1.*", "2.2.1", false],
  ["1.x", "1.4", true],
  ["1.X", "1.9.9", true],
  ["0.x.x", "1.2.3", false],
  ["1.2.x", "1.2.9", true],
  ["1.2.x", "1.3.0", false],
  // not equal
  ["!=4.1.0", "4.1.1", true],
  ["!=4.1", "4.1.1", false],
  ["!=4.1", "5.1.0", true],
  ["!=4.x", "4.1.0", false],
  ["!=4.1-alpha", "4.1.0", true],
  ["!=4.1-alpha", "4.1.0-alpha", false],
  ["!=4.1-alpha", "4.1.1-alpha", false],
  // comparisons with wildcards
  [">1.1", "1.1.0", false],
  [">11.1", "11.1.1", false],
  [">11.1", "11.2.1", true],
  [">11", "11.1.0", false],
  [">0", "1", true],
  [">0.0.0-0", "0.0.0-alpha", true],
  [">1.2.3-alpha.1", "1.3.3-alpha.2", true],
  ["<1.1", "1.1.1", false],
  ["<1.x", "1.1.1", false],
  ["<1.x", "0.1.1", true],
  ["<1.1.x", "1.0.500", true],
  ["<1.1.x", "1.1.500", false],
  ["<0-z", "0.0.0-alpha", true],
  ["<0", "0.0.0-alpha", false],
  ["<=1.1", "1.1.1", true],
  ["<=1.1", "1.2.3", false],
  ["<=11", "11.2.3", true],
  ["<=2.x", "3.0.0", false],
  ["<=1.1-a", "0.1.0-alpha", true],
  [">=1.1", "4.1.0-beta", false],
  [">=0-0", "0.0.0-alpha", true],
  ["=>1.1", "1.1.0", true],
  ["=<1.1", "1.1.0", true],
  // tilde
  ["~1.2.3", "1.2.4", true],
  ["~1.2.3", "1.2.2", false],
  ["~1.2.3", "1.3.0", false],
  ["~1.2", "1.2.4", true],
  ["~1.2", "1.3.4", false],
  ["~1", "1.9.0", true],
  ["~1", "2.0.0", false],
  ["~>1.2", "1.2.9", true],
  ["~1.x", "1.3.5", true],
  ["~*", "2.1.1", true],
  ["~0.0.0", "1.2.3", true],
  ["~1.1", "1.1.1-alpha", false],
  ["~1.1-alpha", "1.1.1-beta", true],
  ["~1.2.3-beta.2", "1.2.4-beta.2", true],
  ["~1.2.3-beta.2", "1.3.4-beta.2", false],
  ["~1.1.1-beta", "1.1.1-alpha", false],
  // caret
  ["^1.2.3", "1.8.9", true],
  ["^1.2.3", "2.0.0", false],
  ["^1.2.3", "1.2.1", false],
  ["^1.2", "1.8.9", true],
  ["^1", "1.8.9", true],
  ["^1", "2.8.9", false],
  ["^1.x", "1.1.1-beta1", false],
  ["^1.1.2-alpha", "1.2.1-beta1", true],
  ["^1.2.0-alpha.0", "1.2.1-alpha.1", true],
  ["^1.2.0-alpha.2", "1.2.0-alpha.1", false],
  ["^0.2.3", "0.2.5", true],
  ["^0.2.3", "0.5.6", false],
  ["^0.2", "0.2.5", true],
  ["^0.0.3", "0.0.3", true],
  ["^0.0.3", "0.0.4", false],
  ["^0.0", "0.0.3", true],
  ["^0.0", "0.1.4", false],
  ["^0", "0.2.3", true],
  ["^0", "1.1.4", false],
  ["^0.0.0", "1.2.3", false],
  ["^0.2.3-beta.2", "0.2.4-beta.2", true],
  ["^0.2.3-beta.2", "0.3.4-beta.2", false],
  // AND (space and comma), OR, hyphen ranges
  [">1.1, <2", "1.2.1", true],
  [">1.1 <2", "1.1.1", false],
  [">=1.1    <2    !=1.2.3", "1.2.3", false],
  [">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true],
  [">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false],
  [">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true],
  [">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true],
  [">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false],
  [">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", false],
  ["1.1 - 2", "1.1.1", true],
  ["1.1 - 2", "2.9.9", true],
  ["1.1 - 2", "3.0.0", false],
  ["1.5.0 - 4.5", "3.7.0", true],
  ["1.1-3", "4.3.2", false],
  ["1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true],
  ["3 - 4 || => 3.0, < 4", "4.5.0", true],
];

describe("parseVersionConstraint (Masterminds v3 semantics)", () => {
  it.each(MASTERMINDS_CHECKS)("%s against %s is %s", (constraint, version, expected) => {
    expect(satisfies(constraint, version)).toBe(expected);
  });

  it.each([
    "latest",
    "",
    "   ",
    ">= bar",
    "BAR >= 1.2.3",
    "12.3.4.1234",
    "12.3.34~ 1.2.3",
    "1.0 ||",
    "|| 1.0",
    ">=",
    "1.2.3,",
    "1.2.3,,1.2.4",
    "xx",
    "1.2.3-01",
    "1.2|3",
    `>=${"1".repeat(30)}`,
  ])("rejects %j with a message saying what to write", (constraint) => {
    const parsed = parseVersionConstraint(constraint);

    expect(parsed.constraint).toBeUndefined();
    expect(parsed.error).toMatch(/write e\.g\.|longer than/);
  });

  it.each([
    ">= 1.2.3 < 2.0",
    "12.3.34 ~1.2.3",
    "v2.3.5-20161202202307-sha.e8fc5e5",
    "1.x.|",
    ">=1.0,<2.0",
    "^1.0 || ~0.9",
  ])("accepts %j", (constraint) => {
    expect(parseVersionConstraint(constraint).error).toBeUndefined();
  });

  it("tells a pre-release excluded by default from a version outside the range", () => {
    const constraint = parseVersionConstraint("^1.0").constraint!;

    expect(constraint.check(parseVersion("1.5.0-rc.1")!)).toBe("pre-release");
    expect(constraint.check(parseVersion("2.0.0")!)).toBe("constraint");
    expect(constraint.check(parseVersion("1.5.0")!)).toBeNull();
    expect(constraint.allowsPrerelease).toBe(false);
    expect(parseVersionConstraint("2.x-0").constraint?.allowsPrerelease).toBe(true);
  });

  it("answers in linear time on a long hostile constraint", () => {
    const hostile = `${"1 ".repeat(400)}!`;

    expect(parseVersionConstraint(hostile).error).toBeDefined();
  });
});

describe("where Masterminds and node-semver agree", () => {
  // These forms mean the same in both libraries for release versions; the README lists where they differ.
  const constraints = [
    ">=1.2.3",
    "<2.0.0",
    ">1.0.0 <=1.5.0",
    "^1.2.3",
    "~1.2.3",
    "1.2.3 - 2.3.4",
    ">=1.0.0 <2.0.0 || >=3.0.0",
    "1.x",
  ];
  const versions = [
    "0.9.9",
    "1.0.0",
    "1.2.2",
    "1.2.3",
    "1.2.9",
    "1.3.0",
    "1.5.0",
    "1.9.9",
    "2.0.0",
    "2.3.4",
    "2.3.5",
    "3.0.0",
    "3.1.0",
  ];

  it.each(constraints)("%s selects the same release versions", (constraint) => {
    for (const version of versions) {
      expect([version, satisfies(constraint, version)]).toEqual([version, nodeSemver.satisfies(version, constraint)]);
    }
  });

  it.each([
    ["^*", "1.2.3", false, true],
    ["<=*", "1.0.0", false, true],
    ["1.2", "1.2.7", true, true],
    ["<=1.2", "1.2.9", true, true],
    ["~1.2.3-beta.2", "1.2.4-beta.2", true, false],
    ["^1.2.3-beta.1", "1.5.0-rc.1", true, false],
    ["!=1.2.3", "1.2.4", true, null],
  ])("%s against %s: Masterminds says %s, node-semver %s", (constraint, version, masterminds, node) => {
    expect(satisfies(constraint, version)).toBe(masterminds);
    const nodeRange = nodeSemver.validRange(constraint);
    expect(nodeRange === null ? null : nodeSemver.satisfies(version, constraint)).toBe(node);
  });
});
