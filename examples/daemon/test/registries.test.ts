import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RegistryRequestEvent } from "@image-updater/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOciLayoutWriter } from "../src/demo/oci-layout-writer.js";
import { createDaemonRegistries, rewriteLayoutUrls } from "../src/registries.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-registries-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rewriteLayoutUrls()", () => {
  it.each([
    ["  api_url: file:///srv/layouts\n", "  api_url: https://oci-layout.invalid/srv/layouts\n"],
    ['- api_url: "file:///srv/a b"\n', '- api_url: "file:///srv/a b"\n'],
    ["  api_url: 'file:///srv/x' # comment\n", "  api_url: 'https://oci-layout.invalid/srv/x' # comment\n"],
    ["  api_url: https://ghcr.io\n", "  api_url: https://ghcr.io\n"],
  ])("%j → %j", (before, after) => {
    expect(rewriteLayoutUrls(before)).toBe(after);
  });
});

describe("createDaemonRegistries()", () => {
  it("serves file:// entries from OCI image layouts and reports every call with its outcome", async () => {
    const writer = await createOciLayoutWriter(join(dir, "layouts", "docker.io", "myorg", "myapp"));
    await writer.push({ tag: "1.0.0", created: new Date("2026-01-01T00:00:00Z") });
    const events: RegistryRequestEvent[] = [];
    let clock = 0;
    const registries = createDaemonRegistries({
      registriesConf: `registries:\n- name: layouts\n  prefix: docker.io\n  api_url: file://${join(dir, "layouts")}\n`,
      onRegistryRequest: (e) => events.push(e),
      now: () => (clock += 5),
    });
    const repo = { registry: "docker.io", repository: "myorg/myapp" };

    const first = await registries.client.listTags(repo);
    const second = await registries.client.listTags(repo);
    const missing = await registries.client
      .listTags({ registry: "docker.io", repository: "myorg/missing" })
      .catch((e: unknown) => e);
    await registries.dispose();

    expect([first, second]).toEqual([["1.0.0"], ["1.0.0"]]);
    expect(missing).toMatchObject({ code: "REGISTRY_NOT_FOUND" });
    expect(events).toEqual([
      { registry: "docker.io", method: "listTags", outcome: "ok", durationMs: 5 },
      { registry: "docker.io", method: "listTags", outcome: "cached", durationMs: 0 },
      { registry: "docker.io", method: "listTags", outcome: "not-found", durationMs: 5 },
    ]);
    expect(registries.diagnostics).toEqual([]);
  });
});
