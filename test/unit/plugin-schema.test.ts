import { describe, expect, it } from "vitest";
import { previewCreate, resources } from "../../plugin/adapter";
import { PACKAGE, packageSchema, REPLACED_BY_DIFF_ONLY, SECRET_PROPERTIES } from "../../plugin/schema";
import { CONFIG_KEYS } from "../../plugin/schema-config";
import { assignmentInputsSchema, checkAssignmentInputs } from "../../provider/assignment/check";
import { assignmentDescription } from "../../provider/assignment/description";
import * as args from "../../provider/functions/args";
import type { RunnerDetails } from "../../provider/gitlab";
import { GITLAB_CONFIG_KEYS } from "../../provider/gitlab/config-keys";
import { ACCESS_LEVELS, RUNNER_TYPES } from "../../provider/gitlab/vocabulary";
import type { FieldSpec, FieldType, ResourceDescription } from "../../provider/resource/description";
import { inputNames, outputNames } from "../../provider/resource/description";
import { checkRunnerInputs, runnerInputsSchema } from "../../provider/runner/check";
import { runnerDescription } from "../../provider/runner/description";
import { diffRunner } from "../../provider/runner/diff";
import { buildOutputs } from "../../provider/runner/outputs";

// The package schema is generated from the resources' descriptions; these tests hold it to the
// implementation: what the schema says a resource takes, keeps secret, replaces on, reports and
// always has is what check, diff and the outputs really do. A disagreement fails here.

type Json = Record<string, unknown>;
interface Spec {
  inputProperties: Record<string, Json>;
  properties: Record<string, Json>;
  requiredInputs: string[];
  required: string[];
}

const schema = JSON.parse(JSON.stringify(packageSchema)) as {
  config: { variables: Record<string, Json> };
  provider: { inputProperties: Record<string, Json> };
  types: Record<
    string,
    Json & { enum?: { name: string; value: string }[]; properties?: Record<string, Json> }
  >;
  resources: Record<string, Spec>;
  functions: Record<string, { inputs: { properties: Record<string, Json>; required: string[] } }>;
};
const DESCRIPTIONS: ResourceDescription[] = [runnerDescription, assignmentDescription];
const specOf = (d: ResourceDescription) => schema.resources[d.pluginType] as Spec;

/** The schema type a field type must have. */
function expectedType(type: FieldType): Json {
  switch (type.kind) {
    case "string":
    case "boolean":
    case "integer":
      return { type: type.kind };
    case "enum":
      return { $ref: `#/types/${PACKAGE}:index:${type.name}` };
    case "string-set":
      return { type: "array", items: { type: "string" } };
    case "id-or-path":
      return { oneOf: [{ type: "integer" }, { type: "string" }] };
    case "id-or-path-set":
      return { type: "array", items: { oneOf: [{ type: "integer" }, { type: "string" }] } };
    case "object-list":
      return { type: "array", items: { $ref: `#/types/${PACKAGE}:index:${type.name}` } };
  }
}

const details: RunnerDetails = {
  id: 7,
  description: "build",
  paused: false,
  active: true,
  isShared: false,
  runnerType: "group_type",
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
  maintenanceNote: null,
  contactedAt: null,
  version: null,
  revision: null,
  platform: null,
  architecture: null,
  projects: [],
  groups: [{ id: 10, name: "acme" }],
};

describe.each(DESCRIPTIONS)("the schema of $name", (description) => {
  const spec = specOf(description);
  const fields = Object.entries(description.fields) as [string, FieldSpec][];

  it("has the description's type token", () => {
    expect(Object.keys(schema.resources)).toContain(description.pluginType);
  });

  it("has every field as a property, with its type, secrecy, GitLab name and docs", () => {
    expect(Object.keys(spec.properties).sort()).toEqual(outputNames(description).sort());
    for (const [name, field] of fields) {
      const prop = spec.properties[name] as Json;
      expect(prop, name).toMatchObject(expectedType(field.type));
      expect(prop.secret === true, `${name} secret`).toBe(field.secret === true);
      expect(prop.description, name).toContain(field.docs);
      if (field.gitlab !== undefined) expect(prop.description, name).toContain(`\`${field.gitlab}\``);
    }
  });

  it("takes as inputs exactly what check validates", () => {
    const checked =
      description === runnerDescription ? runnerInputsSchema.shape : assignmentInputsSchema.shape;
    expect(Object.keys(spec.inputProperties).sort()).toEqual(Object.keys(checked).sort());
    expect(Object.keys(spec.inputProperties).sort()).toEqual(inputNames(description).sort());
    const check = description === runnerDescription ? checkRunnerInputs : checkAssignmentInputs;
    // A value of the wrong type for each input is refused by check, naming it: check knows it.
    for (const name of Object.keys(spec.inputProperties)) {
      const wrong = (spec.inputProperties[name] as Json).type === "string" ? 42 : { wrong: true };
      const { failures } = check({ [name]: wrong });
      expect(
        failures.map((f) => f.property),
        name,
      ).toContain(name);
    }
  });

  it("requires the inputs the description requires", () => {
    expect(spec.requiredInputs.sort()).toEqual(
      fields
        .filter(([, f]) => f.required)
        .map(([n]) => n)
        .sort(),
    );
  });

  it("keeps secret what the plugin wraps as secret", () => {
    expect([...(SECRET_PROPERTIES[description.pluginType] ?? [])].sort()).toEqual(
      fields
        .filter(([, f]) => f.secret)
        .map(([n]) => n)
        .sort(),
    );
  });

  it("marks replaceOnChanges on every identity field but those the diff may record in place", () => {
    const exempt = REPLACED_BY_DIFF_ONLY[description.pluginType] ?? [];
    const marked = Object.entries(spec.inputProperties)
      .filter(([, p]) => p.replaceOnChanges === true)
      .map(([n]) => n);
    expect(marked.sort()).toEqual(
      fields
        .filter(([n, f]) => f.role === "identity" && !exempt.includes(n))
        .map(([n]) => n)
        .sort(),
    );
  });

  it("every enum it names exists with GitLab's snake_case values", () => {
    for (const [, field] of fields) {
      if (field.type.kind !== "enum") continue;
      const type = schema.types[`${PACKAGE}:index:${field.type.name}`];
      expect(type?.enum?.map((e) => e.value)).toEqual([...field.type.values]);
      for (const e of type?.enum ?? []) expect(e.value).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
  });
});

describe("the schema against the Runner's behaviour", () => {
  const spec = specOf(runnerDescription);

  it("enum values are the vocabulary's", () => {
    expect(schema.types[`${PACKAGE}:index:RunnerType`]?.enum?.map((e) => e.value)).toEqual([...RUNNER_TYPES]);
    expect(schema.types[`${PACKAGE}:index:AccessLevel`]?.enum?.map((e) => e.value)).toEqual([
      ...ACCESS_LEVELS,
    ]);
  });

  it("a change of each replaceOnChanges input is a replacement in the diff too", () => {
    const olds = { runnerId: 7, runnerType: "group_type", groupId: 10 };
    const changes: Record<string, Record<string, unknown>> = {
      registrationToken: { registrationToken: "other" },
      runnerType: { runnerType: "instance_type" },
      groupId: { runnerType: "group_type", groupId: 11 },
      projectId: { runnerType: "project_type", projectId: 100 },
    };
    for (const [name, prop] of Object.entries(spec.inputProperties)) {
      if (prop.replaceOnChanges !== true) continue;
      const news = changes[name];
      expect(news, `a change of ${name} to try`).toBeDefined();
      const from = name === "registrationToken" ? { runnerId: 7, registrationToken: "t" } : olds;
      expect(diffRunner("7", from, news ?? {}).replaces, name).toContain(name);
    }
  });

  it("adoptRunnerId is left unmarked: adopting the runner the resource already has is recorded in place", () => {
    const olds = { runnerId: 7, registrationToken: "t", description: "a" };
    const plan = diffRunner("7", olds, { adoptRunnerId: 7, description: "a" });
    expect(plan.replaces).toEqual([]);
    // The engine would turn this change into a replacement were adoptRunnerId marked.
    expect(Object.keys(plan.detailedDiff)).toContain("adoptRunnerId");
    // Adopting another runner replaces, as for any identity field.
    expect(diffRunner("7", olds, { adoptRunnerId: 8 }).replaces).toEqual(["adoptRunnerId"]);
  });

  it("outputs it says are always there are there, with a value; nothing else is output", () => {
    const outs = buildOutputs(details, { inputs: { runnerType: "group_type", groupId: 10 } });
    for (const name of spec.required) {
      expect(outs, name).toHaveProperty(name);
      expect((outs as Record<string, unknown>)[name], name).not.toBeNull();
    }
    for (const key of Object.keys(outs)) expect(Object.keys(spec.properties)).toContain(key);
  });

  it("a preview of a creation has every output the schema requires", () => {
    const out = previewCreate(runnerDescription, { runnerType: "group_type", groupId: 10 });
    for (const name of spec.required) expect(out, name).toHaveProperty(name);
  });
});

describe("the plugin serves what the schema declares", () => {
  it("every resource type", () => {
    expect(Object.keys(resources).sort()).toEqual(Object.keys(schema.resources).sort());
  });

  it("every $ref names a type of the schema", () => {
    const refs = JSON.stringify(schema).match(/"#\/types\/[^"]+"/g) ?? [];
    for (const ref of refs) expect(Object.keys(schema.types)).toContain(ref.slice(9, -1));
  });
});

describe("the read functions' arguments", () => {
  const fns: Record<string, { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }> = {
    getRunner: args.getRunnerArgsSchema,
    listRunners: args.listRunnersArgsSchema,
    listProjectRunners: args.listProjectRunnersArgsSchema,
    listGroupRunners: args.listGroupRunnersArgsSchema,
    listRunnerJobs: args.listRunnerJobsArgsSchema,
    listRunnerManagers: args.listRunnerManagersArgsSchema,
    verifyRunnerToken: args.verifyRunnerTokenArgsSchema,
  };

  it("the schema has every function, and only those", () => {
    expect(Object.keys(schema.functions).sort()).toEqual(
      Object.keys(fns)
        .map((f) => `${PACKAGE}:index:${f}`)
        .sort(),
    );
  });

  it.each(Object.keys(fns))("%s: the arguments and the required ones are the implementation's", (name) => {
    const fn = schema.functions[`${PACKAGE}:index:${name}`];
    const shape = fns[name]?.shape ?? {};
    expect(Object.keys(fn?.inputs.properties ?? {}).sort()).toEqual(Object.keys(shape).sort());
    const required = Object.entries(shape)
      .filter(([, s]) => !s.safeParse(undefined).success)
      .map(([n]) => n);
    expect((fn?.inputs.required ?? []).sort()).toEqual(required.sort());
  });
});

describe("the provider configuration", () => {
  it("has every setting of the dynamic resources' gitlab: keys (the case-only alias aside)", () => {
    expect(Object.keys(schema.config.variables).sort()).toEqual(
      GITLAB_CONFIG_KEYS.filter((k) => k !== "caCertFile").sort(),
    );
    expect(Object.keys(schema.provider.inputProperties).sort()).toEqual([...CONFIG_KEYS].sort());
    expect(schema.config.variables.token?.secret).toBe(true);
    expect(schema.provider.inputProperties.token?.secret).toBe(true);
  });
});
