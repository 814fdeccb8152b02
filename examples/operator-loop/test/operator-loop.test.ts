/** The operator loop runs as a user runs it and commits the new tag through the engine's watch. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("updates the application its own source announced, and counts it in its own metrics", async () => {
  const { stdout } = await promisify(execFile)(
    "pnpm",
    ["exec", "tsx", "--conditions=@image-updater/source", "src/main.ts"],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 30_000 },
  );
  expect(stdout.split("\n")).toEqual([
    "update api: 1.0.0 -> 1.1.0",
    "- image: team/api:1.1.0",
    'metrics: {"updates":1,"failures":0}',
    "",
  ]);
});
