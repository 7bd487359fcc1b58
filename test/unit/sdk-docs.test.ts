import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { assignmentDescription } from "../../provider/assignment/description";
import type { FieldSpec, ResourceDescription } from "../../provider/resource/description";
import { inputNames } from "../../provider/resource/description";
import { runnerDescription } from "../../provider/runner/description";

// Every argument the sdk exports has TSDoc that names GitLab's own name for it and its default,
// as the resource's description gives them (AWS CDK's props docs are the model).

/** The TSDoc text of each property of interface `name` in `file`. */
function propertyDocs(file: string, name: string): Map<string, string> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const docs = new Map<string, string>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      const text = ts
        .getJSDocCommentsAndTags(member)
        .map((d) => d.getText())
        .join("\n");
      docs.set(member.name.getText(), text);
    }
  });
  return docs;
}

const sdk = join(__dirname, "..", "..", "sdk");

describe.each([
  ["RunnerArgs", join(sdk, "runner.ts"), runnerDescription as ResourceDescription],
  ["ProjectRunnerAssignmentArgs", join(sdk, "project-runner-assignment.ts"), assignmentDescription],
] as const)("%s", (iface, file, description) => {
  const docs = propertyDocs(file, iface);

  it("documents every input of the description, and nothing else", () => {
    expect([...docs.keys()].sort()).toEqual([...inputNames(description)].sort());
  });

  it.each(inputNames(description))("%s: GitLab's name and the default", (name) => {
    const spec: FieldSpec = description.fields[name]!;
    const text = docs.get(name) ?? "";
    if (spec.gitlab !== undefined && spec.gitlab !== "id" && spec.gitlab !== ":id") {
      expect(text).toContain(`\`${spec.gitlab}\``);
    }
    expect(text).toMatch(/@default/);
  });
});
