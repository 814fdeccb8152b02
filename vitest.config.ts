import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "test/bench", "test/doubles", "test/benchmarks", "test/api-surface", "examples/*"],
  },
});
