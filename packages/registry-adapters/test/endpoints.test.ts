import { resolveRegistryTarget as endpointFor, type RegistryEndpoint } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { scopeActions } from "../src/index.js";

function entry(prefix: string, apiUrl: string, extra: Partial<RegistryEndpoint> = {}): RegistryEndpoint {
  return { name: prefix, prefix, apiUrl, tagSortMode: "none", insecure: false, isDefault: false, ...extra };
}

const ENDPOINTS = [
  entry("ghcr.io", "https://ghcr.io"),
  entry("ghcr.io/team", "https://ghcr-mirror.internal"),
  entry("registry.internal:5000", "http://registry.internal:5000", { insecure: true }),
];

describe("resolveRegistryTarget (the endpoints this client is given)", () => {
  it.each([
    ["ghcr.io", "other/app", "https://ghcr.io"],
    ["ghcr.io", "team/app", "https://ghcr-mirror.internal"],
    ["ghcr.io", "teamster/app", "https://ghcr.io"],
    ["registry.internal:5000", "app", "http://registry.internal:5000"],
    ["docker.io", "library/nginx", "https://registry-1.docker.io"],
    ["index.docker.io", "nginx", "https://registry-1.docker.io"],
    ["quay.io", "org/app", "https://quay.io"],
  ])("serves %s/%s from %s (longest prefix, else built-in or inferred)", (registry, repository, apiUrl) => {
    expect(endpointFor(ENDPOINTS, { registry, repository }).endpoint.apiUrl).toBe(apiUrl);
  });

  it("sends Docker Hub images to a configured default entry", () => {
    const mirror = entry("", "https://hub-mirror.internal", { isDefault: true });

    expect(endpointFor([mirror], { registry: "index.docker.io", repository: "nginx" }).endpoint).toBe(mirror);
  });
});

describe("resolveRegistryTarget: repository paths", () => {
  it.each([
    ["docker.io", "nginx", "library/nginx"],
    ["registry-1.docker.io", "library/nginx", "library/nginx"],
    ["docker.io", "bitnami/redis", "bitnami/redis"],
    ["ghcr.io", "app", "app"],
  ])("requests %s/%s as %s", (registry, repository, path) => {
    expect(endpointFor(ENDPOINTS, { registry, repository }).path).toBe(path);
  });
});

describe("scopeActions", () => {
  it.each([
    ["https://myregistry.azurecr.io", "pull,metadata_read,content_read"],
    ["https://ghcr.io", "pull"],
    ["https://registry-1.docker.io", "pull"],
    ["https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", "pull"],
  ])("asks %s for %s", (apiUrl, actions) => {
    expect(scopeActions(entry("x", apiUrl))).toBe(actions);
  });
});
