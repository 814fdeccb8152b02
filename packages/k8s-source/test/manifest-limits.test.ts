import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MAX_DOCUMENTS_PER_FILE,
  MAX_YAML_DEPTH,
  parseManifestText,
  parseManifestTextAsync,
  scanManifests,
} from "../src/directory/manifest-files.js";

const GOOD = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: healthy\n";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "manifest-limits-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("manifest limits", () => {
  it("skips a file over the size limit unread, naming the file and the limit; the healthy file beside it loads", async () => {
    await writeFile(join(dir, "big.yaml"), `${GOOD}data: ${"x".repeat(4096)}\n`);
    await writeFile(join(dir, "good.yaml"), GOOD);

    const scan = await scanManifests(dir, { maxFileBytes: 1024 });

    expect(scan.documents.map((d) => d.file)).toEqual(["good.yaml"]);
    expect(scan.warnings).toMatchObject([{ file: "big.yaml", message: expect.stringContaining("1024-byte limit") }]);
  });

  it("ignores a document with a 1 MiB flow key, and still reads the next document", () => {
    const text = `{${"k".repeat(1024 * 1024)}: 1}\n---\n${GOOD}`;

    const parsed = parseManifestText(text, "odd.yaml");

    expect(parsed.documents.map((d) => d.index)).toEqual([1]);
    expect(parsed.warnings[0]?.message).toContain("over the limit of 1024");
  });

  it("ignores a file nested deeper than the limit, before composing it", () => {
    const depth = 10_000;
    const text = `${"[".repeat(depth)}${"]".repeat(depth)}\n---\n${GOOD}`;

    const parsed = parseManifestText(text, "deep.yaml");

    expect(parsed.documents).toEqual([]);
    expect(parsed.warnings).toMatchObject([
      { file: "deep.yaml", message: expect.stringContaining(`deeper than ${MAX_YAML_DEPTH}`) },
    ]);
  });

  it("counts brackets inside quoted strings as text, not nesting", () => {
    const parsed = parseManifestText(`${GOOD}data: "${"[".repeat(MAX_YAML_DEPTH * 2)}"\n`, "quoted.yaml");

    expect(parsed.warnings).toEqual([]);
    expect(parsed.documents).toHaveLength(1);
  });

  it("reads the first documents of a file with too many, and says where it stopped", () => {
    const parsed = parseManifestText(`---\na: 1\n`.repeat(MAX_DOCUMENTS_PER_FILE + 5), "many.yaml");

    expect(parsed.documents).toHaveLength(MAX_DOCUMENTS_PER_FILE);
    expect(parsed.warnings).toMatchObject([
      { message: expect.stringContaining(`more than ${MAX_DOCUMENTS_PER_FILE} documents`) },
    ]);
  });

  it("gives the event loop turns while it parses a file of 100 000 documents, with the same result as the sync reader", async () => {
    const text = `---\na: 1\n`.repeat(100_000);
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    const parsed = await parseManifestTextAsync(text, "many.yaml").finally(() => clearInterval(ticker));

    // The 1000 documents read take tens of milliseconds; a reader that never yields lets no timer run.
    expect(turns).toBeGreaterThan(0);
    expect(parsed).toEqual(parseManifestText(text, "many.yaml"));
    expect(parsed.warnings).toMatchObject([
      { file: "many.yaml", message: expect.stringContaining(`more than ${MAX_DOCUMENTS_PER_FILE} documents`) },
    ]);
  });

  it("refuses alias expansion beyond the limit (billion laughs)", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${"abcdefghij"[i]}: &${"abcdefghij"[i]} [${Array(10)
          .fill(`*${"abcdefghij"[i - 1]}`)
          .join(", ")}]`,
      );

    const parsed = parseManifestText(`${lines.join("\n")}\n`, "laughs.yaml");

    expect(parsed.documents).toEqual([]);
    expect(parsed.warnings).toHaveLength(1);
  });
});
