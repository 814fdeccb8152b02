/** Harness pieces shared by this package's tests: endpoints for bench servers, seeding a bench registry. */

import { pushImages, type RegistryServer } from "@image-updater/bench";
import type { RegistrySeed } from "@image-updater/conformance";
import type { RegistryEndpoint } from "@image-updater/core";

/** A `registries.conf` entry for a bench server on loopback (plain http). */
export function benchEndpoint(host: string, url: string, extra: Partial<RegistryEndpoint> = {}): RegistryEndpoint {
  return { name: host, prefix: host, apiUrl: url, tagSortMode: "none", insecure: true, isDefault: false, ...extra };
}

/** Pushes every repository of `seed` into `registry`. */
export async function pushSeed(registry: RegistryServer, seed: RegistrySeed): Promise<void> {
  for (const [repository, images] of Object.entries(seed)) await pushImages(registry, repository, images);
}
