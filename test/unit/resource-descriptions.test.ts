import { describe, expect, it } from "vitest";
import { checkAssignmentInputs } from "../../provider/assignment/check";
import { assignmentDescription } from "../../provider/assignment/description";
import type { RunnerDetails } from "../../provider/gitlab";
import { settingsParams } from "../../provider/gitlab/operations/runner-settings";
import { RUNNER_SETTING_PARAMS } from "../../provider/gitlab/params";
import type { FieldSpec, FieldType } from "../../provider/resource/description";
import { fieldsWithRole, inputNames, outputNames } from "../../provider/resource/description";
import { checkRunnerInputs } from "../../provider/runner/check";
import { runnerDescription } from "../../provider/runner/description";
import { diffRunner } from "../../provider/runner/diff";
import { fieldsFrom } from "../../provider/runner/fields";
import { buildOutputs, impliedInputs, type RunnerOutputs } from "../../provider/runner/outputs";

// Every field of a resource's description is handled by check, diff, outputs and (for a
// setting) the mapping to GitLab's parameters. These tests walk the description, so a field added
// there and forgotten anywhere else fails here.

/** Two different valid values of a field type. */
function valuesOf(type: FieldType): [unknown, unknown] {
  switch (type.kind) {
    case "string":
      return ["first", "second"];
    case "boolean":
      return [true, false];
    case "integer":
      return [600, 1200];
    case "enum":
      return [type.values[0], type.values[1]];
    case "string-set":
      return [["a"], ["b"]];
    case "id-or-path":
      return [100, "acme/api"];
    case "id-or-path-set":
      return [[101], ["acme/web"]];
    case "object-list":
      return [[], []];
  }
}

/** A value no field type accepts. */
const INVALID: Record<FieldType["kind"], unknown> = {
  string: 42,
  boolean: "yes",
  integer: "ten",
  enum: "nonsense",
  "string-set": "docker,linux",
  "id-or-path": { id: 1 },
  "id-or-path-set": "acme/web",
  "object-list": 1,
};

const details: RunnerDetails = {
  id: 7,
  description: "build",
  paused: false,
  active: true,
  isShared: false,
  runnerType: "project_type",
  name: null,
  online: null,
  status: "never_contacted",
  ipAddress: null,
  createdAt: null,
  jobExecutionStatus: null,
  tagList: ["docker"],
  runUntagged: true,
  locked: false,
  accessLevel: "not_protected",
  maximumTimeout: null,
  maintenanceNote: "note",
  contactedAt: null,
  version: null,
  revision: null,
  platform: null,
  architecture: null,
  projects: [{ id: 100, pathWithNamespace: "acme/api" }],
  groups: [],
};

const runnerBase = { runnerType: "project_type", projectId: 100 };
const runnerFields = Object.entries(runnerDescription.fields) as [keyof RunnerOutputs, FieldSpec][];

describe("Runner description", () => {
  it.each(inputNames(runnerDescription))("check refuses a wrong %s, naming it", (name) => {
    const spec: FieldSpec = runnerDescription.fields[name];
    const { failures } = checkRunnerInputs({ ...runnerBase, [name]: INVALID[spec.type.kind] });
    expect(failures.map((f) => f.property)).toContain(name);
  });

  it.each(fieldsWithRole(runnerDescription, "setting"))("%s: diff sees a change, update sends it", (name) => {
    const spec: FieldSpec = runnerDescription.fields[name];
    const [before, after] = valuesOf(spec.type);
    const olds = { ...runnerBase, runnerId: 7, [name]: before };
    const diff = diffRunner("7", olds, { ...runnerBase, [name]: after });
    expect(diff.fields).toEqual([name]);
    expect(diff.replaces).toEqual([]);
    expect(diffRunner("7", olds, { ...runnerBase, [name]: before }).changes).toBe(false);
    // The settings→parameters mapping: one GitLab parameter, named as the description says.
    expect(spec.gitlab).toBe(RUNNER_SETTING_PARAMS[name]);
    const params = settingsParams(fieldsFrom({ [name]: after }), "modern");
    expect(Object.keys(params)).toEqual([spec.gitlab]);
  });

  it.each(fieldsWithRole(runnerDescription, "identity"))("%s: a change replaces the runner", (name) => {
    const spec: FieldSpec = runnerDescription.fields[name];
    const [before, after] = valuesOf(spec.type);
    const way = name === "groupId" ? { runnerType: "group_type" } : name === "projectId" ? runnerBase : {};
    const diff = diffRunner("7", { ...way, runnerId: 7, [name]: before }, { ...way, [name]: after });
    expect(diff.replaces.length).toBeGreaterThan(0);
  });

  it("every field is an output the sdk declares, and the outputs hold every field GitLab reports", () => {
    const outs = buildOutputs(details, {
      inputs: { runnerType: "project_type", projectId: 100, tokenRotation: "1" },
      token: { token: "glrt-t", tokenExpiresAt: null },
    });
    const names = outputNames(runnerDescription);
    for (const [name, spec] of runnerFields) {
      expect(names).toContain(name);
      if (spec.role === "computed" || spec.role === "setting" || spec.computedToo)
        expect(outs).toHaveProperty(name);
    }
    for (const key of Object.keys(outs)) expect(names).toContain(key);
  });

  it("read implies every setting the program manages, as GitLab reports it", () => {
    const all: Record<string, unknown> = { ...runnerBase };
    for (const name of fieldsWithRole(runnerDescription, "setting")) {
      all[name] = valuesOf(runnerDescription.fields[name].type)[0];
    }
    const outs = buildOutputs(details, { inputs: all as never });
    const inputs = impliedInputs(outs);
    for (const name of fieldsWithRole(runnerDescription, "setting")) {
      if (outs[name] !== null) expect(inputs).toHaveProperty(name);
    }
  });

  it("every field has docs; inputs say what happens when left out", () => {
    for (const [name, spec] of runnerFields) {
      expect(spec.docs.length, name).toBeGreaterThan(10);
      if (spec.role !== "computed") expect(spec.default, name).toBeDefined();
    }
  });
});

describe("ProjectRunnerAssignment description", () => {
  it.each(inputNames(assignmentDescription))("check refuses a wrong %s, naming it", (name) => {
    const spec: FieldSpec = assignmentDescription.fields[name];
    const valid = { project: "acme/api", runnerId: 5 };
    const { failures } = checkAssignmentInputs({ ...valid, [name]: INVALID[spec.type.kind] });
    expect(failures.map((f) => f.property)).toEqual([name]);
  });

  it("every input is required and a change of it replaces (both identify the link)", () => {
    for (const name of inputNames(assignmentDescription)) {
      const spec: FieldSpec = assignmentDescription.fields[name];
      expect(spec.role).toBe("identity");
      expect(spec.required).toBe(true);
    }
  });
});
