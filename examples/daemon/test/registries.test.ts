import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageLayoutRoot, parseRegistriesConf, type RegistryRequestEvent } from "@image-updater/core";
import { createConfiguredRegistry } from "@image-updater/registry-adapters";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOciLayoutWriter } from "../src/demo/oci-layout-writer.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-registries-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("file:// entries of registries.conf (core's parser)", () => {
  it.each([
    ["api_url: file:///srv/layouts", "/srv/layouts"],
    ['api_url: "file:///srv/a b"', "/srv/a b"],
    ["api_url: 'file:///srv/x/' # comment", "/srv/x"],
    ["api_url: https://ghcr.io", null],
  ])("%s serves layouts from %j", (line, root) => {
    const parsed = parseRegistriesConf(`registries:\n- name: r\n  prefix: ghcr.io\n  ${line}\n`);

    expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(parsed.endpoints.map(imageLayoutRoot)).toEqual([root]);
  });

  it("names the field and the form to write for a file:// URL with a host", () => {
    const parsed = parseRegistriesConf("registries:\n- name: r\n  prefix: ghcr.io\n  api_url: file://host/srv\n");

    expect(parsed.diagnostics[0]?.message).toContain("write `file:///absolute/path`");
  });
});

describe("createConfiguredRegistry()", () => {
  it("serves file:// entries from OCI image layouts and reports every call with its outcome", async () => {
    const writer = await createOciLayoutWriter(join(dir, "layouts", "docker.io", "myorg", "myapp"));
    await writer.push({ tag: "1.0.0", created: new Date("2026-01-01T00:00:00Z") });
    const events: RegistryRequestEvent[] = [];
    let clock = 0;
    const registries = createConfiguredRegistry({
      registriesConf: `registries:\n- name: layouts\n  prefix: docker.io\n  api_url: file://${join(dir, "layouts")}\n`,
      policies: { onRequest: (e) => events.push(e), now: () => (clock += 5) },
    });
    const repo = { registry: "docker.io", repository: "myorg/myapp" };

    const first = await registries.client.listTags(repo);
    const second = await registries.client.listTags(repo);
    const missing = await registries.client
      .listTags({ registry: "docker.io", repository: "myorg/missing" })
      .catch((e: unknown) => e);
    await registries.client.dispose?.();

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
