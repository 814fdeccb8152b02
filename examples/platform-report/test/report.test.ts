/** The platform report, run as a user runs it, against a real docker-registry. */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cleanupBench, pushImage, type RegistryServer, startRegistry, tempDir } from "@image-updater/bench";
import { afterAll, beforeAll, expect, it } from "vitest";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));
let registry: RegistryServer;

beforeAll(async () => {
  registry = await startRegistry({ auth: "none" });
  for (const tag of ["1.2.0", "1.2.3", "1.3.0", "2.0.0-rc.1"]) await pushImage(registry, "team/api", { tags: [tag] });
  await pushImage(registry, "team/web", { tags: ["v5"] });
});
afterAll(cleanupBench);

it("prints each image's update and why, from the registry's tags", async () => {
  const dir = await tempDir("platform-report-");
  const host = registry.host;
  await writeFile(
    join(dir, "policies.json"),
    JSON.stringify([
      { image: `${host}/team/api:1.2.0`, strategy: "semver", constraint: "~1.2" },
      { image: `${host}/team/api:1.2.0`, strategy: "semver" },
      { image: `${host}/team/web:v5`, strategy: "alphabetical" },
      { image: `${host}/team/missing:1.0.0` },
    ]),
  );
  await writeFile(
    join(dir, "registries.conf"),
    `registries:\n- name: bench\n  prefix: ${host}\n  api_url: ${registry.url}\n  insecure: yes\n`,
  );
  const { stdout } = await promisify(execFile)(
    "pnpm",
    ["exec", "tsx", "--conditions=@image-updater/source", "src/main.ts", "policies.json", "registries.conf"].map(
      (arg) => (arg.endsWith(".json") || arg.endsWith(".conf") ? join(dir, arg) : arg),
    ),
    { cwd: exampleDir },
  );
  const lines = stdout.trim().split("\n");
  expect(lines[0]).toMatch(new RegExp(`^${host}/team/api:1\\.2\\.0\\t-> 1\\.2\\.3\\t.*~1\\.2`));
  expect(lines[1]).toMatch(/\t-> 1\.3\.0\t/);
  expect(lines[2]).toMatch(/team\/web:v5\tkeep\t/);
  expect(lines[3]).toMatch(/team\/missing:1\.0\.0\terror\t/);
  expect(lines[4]).toBe("2 of 4 images have an update");
});
