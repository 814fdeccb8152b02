import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-template-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function template(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["template", ...args], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("image-updater template", () => {
  it("renders argocd-image-updater's default template with the sample changes", async () => {
    const result = await template([]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`build: automatic update of example-app

updates image example/example tag '1.0.0' to '1.0.1'
updates image example/updater tag 'sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee' to 'sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c'
`);
  });

  it("renders the seed's template from a file", async () => {
    const path = join(dir, "commit.template");
    await writeFile(
      path,
      "build: update {{.AppName}} image to {{.NewTag}}\n{{range .AppChanges}}Image: {{.Image}} {{.OldTag}} -> {{.NewTag}}\n{{end}}",
    );

    const result = await template([path]);

    expect(result.stdout).toMatchInlineSnapshot(`
      "build: update example-app image to 1.0.1, sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c
      Image: example/example 1.0.0 -> 1.0.1
      Image: example/updater sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee -> sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c
      "
    `);
  });

  it.each([
    ["{{ range .AppChanges }", /commit-message:1:\d+/],
    ["{{ .AppName ", /commit-message:1:\d+/],
  ])("exits 1 with the position for the malformed template %j", async (text, message) => {
    const path = join(dir, "bad.template");
    await writeFile(path, text);

    const result = await template([path]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it("exits 1 when the file is missing", async () => {
    const result = await template([join(dir, "missing")]);

    expect([result.code, result.stderr]).toEqual([1, expect.stringContaining("cannot read the template")]);
  });
});
