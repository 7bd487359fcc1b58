import { defineConfig } from "vitest/config";

// Three tiers (docs/design.md "Tests, in tiers"): unit is pure logic, integration talks HTTP to the
// emulator on loopback, e2e drives the real `pulumi` CLI. e2e runs one file at a time: each
// file starts its own engine processes and the machines have two cores.
export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 20_000 } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          globalSetup: ["test/support/e2e-global-setup.ts"],
        },
      },
    ],
  },
});
