import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assignmentDescription } from "../../provider/assignment/description";
import { markers, rewriteTables, type TableName } from "../../provider/resource/docs";
import { runnerDescription } from "../../provider/runner/description";

// The README's resource tables are written from the descriptions (`npm run docs`): this fails
// when a field changes in a description and the README was not rewritten.

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
const descriptions = [runnerDescription, assignmentDescription];

describe("README resource tables", () => {
  it("are what the descriptions say (run `npm run docs` after changing a description)", () => {
    expect(rewriteTables(readme, descriptions)).toBe(readme);
  });

  it.each([
    [runnerDescription, ["identity", "settings", "outputs"]],
    [assignmentDescription, ["identity", "outputs"]],
  ] as const)("the README shows the tables of %s", (description, tables) => {
    for (const table of tables as readonly TableName[]) {
      const [start, end] = markers(description, table);
      expect(readme).toContain(start);
      expect(readme).toContain(end);
    }
  });
});
