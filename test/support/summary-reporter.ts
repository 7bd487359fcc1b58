import type { Reporter, TestModule } from "vitest/node" with { "resolution-mode": "import" };

/**
 * Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after the run, so a
 * reader (or CI) sees the counts without parsing vitest's table. Skipped tests are counted
 * apart, never as passed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++;
    }
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
