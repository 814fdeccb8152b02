import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { definedTwice, repositoryRoot, surfaceOf } from "../src/index.js";

const surfaces = surfaceOf();

/** The report's entries keyed by exported name, so a failure names what was added, removed or changed. */
function entriesOf(report: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const block of report.split("\n\n").slice(1)) {
    const name = /^\S+ ([\w$]+)/.exec(block)?.[1];
    if (name) entries.set(name, block.trimEnd());
  }
  return entries;
}

function surfaceChanges(committed: string, current: string): string[] {
  const before = entriesOf(committed);
  const after = entriesOf(current);
  const changes: string[] = [];
  for (const [name, text] of after) {
    if (!before.has(name)) changes.push(`added ${name}`);
    else if (before.get(name) !== text) changes.push(`changed ${name}`);
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push(`removed ${name}`);
  return changes;
}

describe("public API surface", () => {
  it("finds every public package", () => {
    expect(surfaces.map((surface) => surface.package.name)).toEqual(
      expect.arrayContaining([
        "@image-updater/core",
        "@image-updater/registry-adapters",
        "@image-updater/git-adapters",
      ]),
    );
  });

  describe.each(surfaces.map((surface) => [surface.package.name, surface] as const))("%s", (_, surface) => {
    const reportPath = relative(repositoryRoot, surface.package.reportFile);

    it("lists its exports by name: no `export *` on the way from src/index.ts", () => {
      expect(surface.starExports.map((line) => line.replace(`${repositoryRoot}/`, ""))).toEqual([]);
    });

    it("matches its committed API report (run `pnpm api:update` and review the diff)", () => {
      expect(existsSync(surface.package.reportFile), `${reportPath} is missing: run pnpm api:update`).toBe(true);
      const committed = readFileSync(surface.package.reportFile, "utf8");
      expect(surfaceChanges(committed, surface.report), `${reportPath} is out of date`).toEqual([]);
      expect(surface.report).toBe(committed);
    });
  });

  it("no exported name is defined by two packages (re-exporting one declaration is fine)", () => {
    expect(definedTwice(surfaces)).toEqual([]);
  });
});
