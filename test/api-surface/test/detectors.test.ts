import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { definedTwice, surfaceOf } from "../src/index.js";

// A scratch repository of two tiny packages, so each check is shown to fail on the change it guards against.
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function scratchRepository(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "api-surface-"));
  roots.push(root);
  const all: Record<string, string> = {
    "tsconfig.base.json": JSON.stringify({
      compilerOptions: { target: "ES2023", module: "NodeNext", moduleResolution: "NodeNext", strict: true },
    }),
    "packages/alpha/package.json": JSON.stringify({ name: "alpha", type: "module" }),
    "packages/beta/package.json": JSON.stringify({ name: "beta", type: "module" }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const alphaSource = {
  "packages/alpha/src/shape.ts": "export interface Shape { readonly sides: number }\nexport const unit = 1;\n",
  "packages/alpha/src/index.ts": 'export { type Shape, unit } from "./shape.js";\n',
};

function reportOf(root: string, pkg: string): string {
  const surface = surfaceOf(root).find((s) => s.package.name === pkg);
  if (!surface) throw new Error(`no package ${pkg}`);
  return surface.report;
}

describe("the API report", () => {
  it("lists each export with its kind and signature", () => {
    const root = scratchRepository({ ...alphaSource, "packages/beta/src/index.ts": "export {};\n" });
    expect(reportOf(root, "alpha")).toBe(
      "# alpha: 2 exported names. Regenerate with `pnpm api:update`.\n\n" +
        "interface Shape {\n  readonly sides: number\n}\n\nconst unit: 1\n",
    );
  });

  it("changes when an export is added, removed or changes kind", () => {
    const base = reportOf(scratchRepository({ ...alphaSource, "packages/beta/src/index.ts": "export {};\n" }), "alpha");
    const added = scratchRepository({
      ...alphaSource,
      "packages/alpha/src/index.ts": 'export { type Shape, unit } from "./shape.js";\nexport const extra = "x";\n',
      "packages/beta/src/index.ts": "export {};\n",
    });
    const removed = scratchRepository({
      ...alphaSource,
      "packages/alpha/src/index.ts": 'export { unit } from "./shape.js";\n',
      "packages/beta/src/index.ts": "export {};\n",
    });
    const rekinded = scratchRepository({
      ...alphaSource,
      "packages/alpha/src/shape.ts": "export type Shape = { readonly sides: number };\nexport const unit = 1;\n",
      "packages/beta/src/index.ts": "export {};\n",
    });
    expect(reportOf(added, "alpha")).toContain('const extra: "x"'.replace(/"/g, "'"));
    expect(reportOf(removed, "alpha")).not.toContain("Shape");
    expect(reportOf(rekinded, "alpha")).toContain("type Shape = { readonly sides: number; }");
    for (const changed of [added, removed, rekinded]) expect(reportOf(changed, "alpha")).not.toBe(base);
  });

  it("names each `export *` on the way from the entry", () => {
    const root = scratchRepository({
      ...alphaSource,
      "packages/beta/src/inner/index.ts": 'export * from "./leaf.js";\n',
      "packages/beta/src/inner/leaf.ts": "export const leaf = 1;\n",
      "packages/beta/src/index.ts": 'export { leaf } from "./inner/index.js";\n',
    });
    const beta = surfaceOf(root).find((s) => s.package.name === "beta");
    expect(beta?.starExports).toEqual([
      `${join(root, "packages/beta/src/inner/index.ts")}: export * from "./leaf.js";`,
    ]);
  });
});

describe("names defined twice", () => {
  it("reports one name declared separately by two packages, not a re-export of the same declaration", () => {
    const root = scratchRepository({
      ...alphaSource,
      "packages/beta/src/index.ts":
        'export type { Shape } from "../../alpha/src/shape.js";\nexport const unit = 2;\nexport const own = 3;\n',
    });
    const twice = definedTwice(surfaceOf(root));
    expect(twice.map((entry) => entry.name)).toEqual(["unit"]);
    expect(twice[0]?.definitions.map((d) => d.package)).toEqual(["alpha", "beta"]);
  });
});
