/**
 * `<alias>.extract`, `<alias>.sort-order` and `<alias>.natural-sort` annotations reach the strategy engine in a
 * real run: a real registry, a real git server, one `run --once`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBranchFiles } from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOnce, type SeedServices, startSeedServices, writeSeedRun } from "./cli-fixture.js";

const PREFIX = "argocd-image-updater.argoproj.io";

let services: SeedServices;
let dir: string;

/** Writes the seed's run with staging's strategy annotation replaced by `annotations`. */
async function prepare(annotations: string): Promise<{ bare: string }> {
  dir = await mkdtemp(join(tmpdir(), "daemon-ranking-"));
  const bare = await writeSeedRun(dir, services, {
    name: `manifests-${Math.random().toString(36).slice(2, 8)}`,
    tag: "build-1",
    edit: (text) => text.replace(`    ${PREFIX}/app.update-strategy: latest\n`, annotations),
  });
  return { bare };
}

beforeAll(async () => {
  services = await startSeedServices({
    "build-1": "2026-01-01T01:00:00Z",
    "build-9": "2026-01-01T02:00:00Z",
    "build-10": "2026-01-01T03:00:00Z",
    "release-99": "2026-01-01T04:00:00Z",
  });
}, 60_000);
afterAll(() => services?.stop());

describe("ranking annotations in a real run", () => {
  it.each([
    [
      "extract + numerical ranks on the build number and writes the whole tag",
      `    ${PREFIX}/app.update-strategy: numerical\n    ${PREFIX}/app.extract: "regexp:^build-(?P<n>[0-9]+)$"\n    ${PREFIX}/app.extract-group: "$n"\n`,
      "build-10",
    ],
    [
      "natural-sort makes alphabetical put build-10 after build-9",
      `    ${PREFIX}/app.update-strategy: alphabetical\n    ${PREFIX}/app.natural-sort: "true"\n    ${PREFIX}/app.allow-tags: "regexp:^build-"\n`,
      "build-10",
    ],
    [
      "without natural-sort alphabetical picks build-9",
      `    ${PREFIX}/app.update-strategy: alphabetical\n    ${PREFIX}/app.allow-tags: "regexp:^build-"\n`,
      "build-9",
    ],
  ])(
    "%s",
    async (_, annotations, tag) => {
      const { bare } = await prepare(annotations);
      try {
        const { code, text } = await runOnce(dir);

        expect(code, text).toBe(0);
        const main = await readBranchFiles(bare, "main");
        expect(main["staging/deployment.yaml"]).toContain(`image: ${services.image}:${tag} `);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
