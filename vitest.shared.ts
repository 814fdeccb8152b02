import { defineProject } from "vitest/config";

/** Settings every project shares: resolve workspace packages to their sources, no build needed. */
export const sharedProject = defineProject({
  ssr: { resolve: { conditions: ["@image-updater/source"] } },
  test: {
    restoreMocks: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
