/**
 * The Pulumi package schema of `gitlab-runners`, generated from the resources' descriptions
 * (`provider/runner/description.ts`, `provider/assignment/description.ts`): every field's type,
 * enum values, secrecy, GitLab name, default, docs, which inputs are required and which outputs
 * are always present. The read functions' signatures come from `./schema-functions.ts` and the
 * provider configuration from `./schema-config.ts`. `test/unit/plugin-schema.test.ts` fails when
 * this schema and the implementation disagree; `sdks/` is generated from it (`scripts/sdkgen`).
 *
 * Format: https://www.pulumi.com/docs/iac/extending-pulumi/schema/ (`pkg/codegen/schema`).
 */
import { assignmentDescription } from "../provider/assignment/description";
import type { FieldSpec, FieldType, ResourceDescription } from "../provider/resource/description";
import { runnerDescription } from "../provider/runner/description";
import { configVariables } from "./schema-config";
import { functions, functionTypes } from "./schema-functions";
import { version } from "./version";

/** A piece of schema JSON. */
export type Json = Record<string, unknown>;

/** The package name: config keys are `gitlab-runners:<key>`, tokens `gitlab-runners:index:<Name>`. */
export const PACKAGE = "gitlab-runners";

/** The resources the plugin serves, by type token. */
export const RESOURCES: Readonly<Record<string, ResourceDescription>> = {
  [runnerDescription.pluginType]: runnerDescription,
  [assignmentDescription.pluginType]: assignmentDescription,
};

/** What `pulumi import` takes as the id of each resource type. */
const IMPORT_IDS: Readonly<Record<string, string>> = {
  [runnerDescription.pluginType]: "RUNNER_ID",
  [assignmentDescription.pluginType]: "PROJECT_ID:RUNNER_ID",
};

/**
 * Identity fields the schema does not mark `replaceOnChanges`, and why. The engine applies that
 * mark itself, to every change of the property it sees in the provider's diff
 * (`applyReplaceOnChanges` in `pkg/resource/deploy/step_generator.go`), whatever the provider
 * decided. The Runner's Diff replaces on a change of `adoptRunnerId` like any identity field,
 * except when the program switches an existing resource to adopt the very runner it already
 * manages (`registrationToken` → `adoptRunnerId: <its own id>`): that is recorded in place. Marked,
 * the engine would replace — delete — the runner being adopted.
 */
export const REPLACED_BY_DIFF_ONLY: Readonly<Record<string, readonly string[]>> = {
  [runnerDescription.pluginType]: ["adoptRunnerId"],
};

/** `instance_type` → `InstanceType`: an enum value's name in the SDKs. */
export function enumValueName(value: string): string {
  return value
    .split(/[_\s-]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

/** A type token of this package. */
export function token(name: string): string {
  return `${PACKAGE}:index:${name}`;
}

/** `#/types/<token>`: a reference to one of the package's types. */
export function typeRef(name: string): Json {
  return { $ref: `#/types/${token(name)}` };
}

/** The schema type of a field type. */
function typeOf(type: FieldType): Json {
  switch (type.kind) {
    case "string":
    case "boolean":
    case "integer":
      return { type: type.kind };
    case "enum":
      return typeRef(type.name);
    case "string-set":
      return { type: "array", items: { type: "string" } };
    case "id-or-path":
      // GitLab takes a numeric id or a full path wherever it takes a project or a group.
      return { oneOf: [{ type: "integer" }, { type: "string" }] };
    case "id-or-path-set":
      return { type: "array", items: { oneOf: [{ type: "integer" }, { type: "string" }] } };
    case "object-list":
      return { type: "array", items: typeRef(type.name) };
  }
}

/** A property's description: the field's docs, GitLab's name for it and its default. */
function docsOf(spec: FieldSpec, asInput: boolean): string {
  const parts = [spec.docs];
  if (spec.gitlab !== undefined) parts.push(`GitLab: \`${spec.gitlab}\`.`);
  if (asInput && spec.default !== undefined) parts.push(`Default: ${spec.default}.`);
  return parts.join(" ");
}

function property(spec: FieldSpec, asInput: boolean, replaceOnChanges: boolean): Json {
  return {
    ...typeOf(spec.type),
    description: docsOf(spec, asInput),
    ...(spec.secret ? { secret: true } : {}),
    ...(replaceOnChanges ? { replaceOnChanges: true } : {}),
  };
}

/** True for a field that is an input. */
function isInput(spec: FieldSpec): boolean {
  return spec.role !== "computed";
}

/** True for an output the state always holds with a value (the SDKs type it as not optional). */
function alwaysPresent(spec: FieldSpec): boolean {
  if (spec.nullable) return false;
  if (spec.role === "computed") return spec.optional !== true;
  return spec.role === "setting" || spec.computedToo === true;
}

/** The schema of one resource, from its description. */
export function resourceSchema(description: ResourceDescription): Json {
  const exempt = REPLACED_BY_DIFF_ONLY[description.pluginType] ?? [];
  const fields = Object.entries(description.fields);
  const replaces = (name: string, spec: FieldSpec) => spec.role === "identity" && !exempt.includes(name);
  const importId = IMPORT_IDS[description.pluginType];
  return {
    description:
      description.docs +
      (importId === undefined
        ? ""
        : `\n\nImport: \`pulumi import ${description.pluginType} NAME ${importId}\`.`),
    inputProperties: Object.fromEntries(
      fields.filter(([, s]) => isInput(s)).map(([n, s]) => [n, property(s, true, replaces(n, s))]),
    ),
    requiredInputs: fields.filter(([, s]) => s.required === true).map(([n]) => n),
    properties: Object.fromEntries(fields.map(([n, s]) => [n, property(s, isInput(s), replaces(n, s))])),
    required: fields.filter(([, s]) => alwaysPresent(s)).map(([n]) => n),
  };
}

/** The enum and object types the descriptions name, by token. */
export function resourceTypes(descriptions: readonly ResourceDescription[]): Record<string, Json> {
  const types: Record<string, Json> = {};
  for (const description of descriptions) {
    for (const spec of Object.values(description.fields)) {
      const t = spec.type;
      if (t.kind === "enum") {
        types[token(t.name)] = {
          type: "string",
          description: `GitLab's values of \`${spec.gitlab ?? t.name}\`.`,
          enum: t.values.map((value) => ({ name: enumValueName(value), value })),
        };
      } else if (t.kind === "object-list") {
        types[token(t.name)] = {
          type: "object",
          description: spec.docs,
          properties: Object.fromEntries(
            Object.entries(t.properties).map(([n, p]) => [
              n,
              { type: p.type, description: `${p.docs} GitLab: \`${p.gitlab}\`.` },
            ]),
          ),
          required: Object.entries(t.properties)
            .filter(([, p]) => p.nullable !== true)
            .map(([n]) => n),
        };
      }
    }
  }
  return types;
}

/** Properties (inputs and outputs) always stored as secrets, per resource type token. */
export const SECRET_PROPERTIES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(RESOURCES).map(([type, d]) => [
    type,
    Object.entries(d.fields)
      .filter(([, s]) => s.secret === true)
      .map(([n]) => n),
  ]),
);

/** The package schema `GetSchema` answers and the SDK generator reads. */
export const packageSchema = {
  name: PACKAGE,
  displayName: "GitLab Runners",
  version,
  description:
    "Manage GitLab runners as code: runners, project assignments and read functions, GitLab 13.12 to 18.x.",
  keywords: ["pulumi", "gitlab", "runners", "category/infrastructure", "kind/native"],
  license: "Apache-2.0",
  publisher: "pulumi-gitlab-runners",
  // supportPack: the current SDK layout (a go.mod for the Go SDK, a pyproject.toml carrying the version).
  meta: { moduleFormat: "(.*)", supportPack: true },
  language: {
    python: {
      packageName: "pulumi_gitlab_runners",
      requires: { pulumi: ">=3.0.0,<4.0.0" },
      pyproject: { enabled: true },
      respectSchemaVersion: true,
    },
    go: {
      importBasePath: "github.com/pulumi-gitlab-runners/pulumi-gitlab-runners/sdks/go/gitlabrunners",
      generateResourceContainerTypes: true,
      respectSchemaVersion: true,
    },
    csharp: {
      rootNamespace: "Pulumi",
      namespaces: { [PACKAGE]: "GitLabRunners" },
      packageReferences: { Pulumi: "3.*" },
      respectSchemaVersion: true,
    },
    nodejs: {
      // The TypeScript SDK ships inside the npm package, beside the dynamic resources: `pulumi
      // import` in a TypeScript project writes `import … from "pulumi-gitlab-runners/plugin"`.
      packageName: "pulumi-gitlab-runners/plugin",
      dependencies: { "@pulumi/pulumi": "^3.0.0" },
      respectSchemaVersion: true,
    },
  },
  config: { variables: configVariables },
  provider: {
    description:
      "The GitLab a group of resources talks to. The default provider reads the stack's `gitlab-runners:` " +
      "configuration; give an explicit provider per further GitLab instance.",
    inputProperties: configVariables,
    properties: {},
  },
  types: {
    ...resourceTypes(Object.values(RESOURCES)),
    ...functionTypes,
  },
  resources: Object.fromEntries(Object.entries(RESOURCES).map(([type, d]) => [type, resourceSchema(d)])),
  functions,
};
