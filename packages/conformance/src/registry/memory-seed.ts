/** The registry seed in the form core's memory registry takes. */
import type { MemoryImage } from "@image-updater/core";
import { toPlatform } from "./image-builder.js";
import type { RegistrySeed } from "./registry-client.js";

/** `seed` as {@link MemoryImage}s, for `createMemoryRegistry({ images })`. */
export function memoryImagesOf(seed: RegistrySeed): MemoryImage[] {
  return Object.entries(seed).flatMap(([repository, specs]) =>
    specs.map((spec) => ({
      repository,
      tags: spec.tags,
      format: spec.format ?? "oci",
      platforms: (spec.platforms ?? ["linux/amd64"]).map(toPlatform),
      createdAt: spec.created ?? "2024-01-01T00:00:00Z",
      labels: spec.labels ?? {},
      ...(spec.annotations === undefined ? {} : { revision: JSON.stringify(spec.annotations) }),
    })),
  );
}
