import path from "node:path";
import { defineConfig } from "vitest/config";

// One runner for every layer. `npm test` builds the console first (scripts/ensure-build.ts),
// because the integration and e2e projects start the real production server.
export default defineConfig({
  // same "@/…" alias as tsconfig.json, so components and lib import each other the same way in tests
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    pool: "forks",
    environment: "node",
    // 2-core machines: at most two test files at once, so timing-sensitive proxy tests are not starved
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["proxy-core/test/unit/**/*.test.ts", "lib/**/*.test.ts", "components/**/*.test.ts", "tests/deploy/**/*.test.ts"],
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["proxy-core/test/integration/**/*.test.ts", "tests/integration/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // `--project e2e`: the journeys (e2e/*.spec.ts) and the console's pages one spec each (e2e/pages/*.spec.ts),
          // one file at a time: each starts a console, its worker and Chromium, which is all two cores can carry
          name: "e2e",
          include: ["e2e/**/*.spec.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
