/**
 * How a resource is described: one table of its fields, from which its check, its diff, its
 * outputs, its mapping to GitLab's parameters, its documentation tables and its Pulumi package
 * schema are all derived. Adding a field is one entry here (plus GitLab's wire name in the
 * transport); every place that must handle it is then either derived or fails to compile, and
 * `test/unit/resource-descriptions.test.ts` checks the rest.
 *
 * The tables are plain data (no zod, no undici), so the sdk and the policy pack can read them.
 */

/** The value types a field may have, in the terms the package schema needs. */
export type FieldType =
  | { readonly kind: "string" }
  | { readonly kind: "boolean" }
  | { readonly kind: "integer" }
  /** One of GitLab's words; `name` is the type's name in the package schema. */
  | { readonly kind: "enum"; readonly name: string; readonly values: readonly string[] }
  /** A list whose order never matters (a set). */
  | { readonly kind: "string-set" }
  /** A numeric id or a full path such as `acme/api`. */
  | { readonly kind: "id-or-path" }
  /** A set of numeric ids or full paths; a path and the id of the same object are the same member. */
  | { readonly kind: "id-or-path-set" }
  /** A list of objects; `name` is the object type's name in the package schema. */
  | {
      readonly kind: "object-list";
      readonly name: string;
      readonly properties: Readonly<Record<string, ObjectProperty>>;
    };

/** A property of an object in an `object-list` output. */
export interface ObjectProperty {
  readonly type: "string" | "integer";
  readonly nullable?: boolean;
  readonly gitlab: string;
  readonly docs: string;
}

/**
 * How a field takes part in the resource's life:
 * - `identity`: says which GitLab object the resource is (how the runner came to exist, which
 *   project and runner an assignment links); changing it replaces the resource;
 * - `setting`: a value GitLab keeps and the program may manage; updated in place; left out, it is
 *   not managed (GitLab's value stays and never shows as a difference);
 * - `links`: a set of links GitLab keeps between this object and others (a runner's projects),
 *   each made and removed with a request of its own rather than sent with the settings; updated
 *   in place, and left out, not managed (GitLab's links stay and never show as a difference);
 * - `control`: tells the provider to act (`tokenRotation`: each change resets the token);
 * - `computed`: an output only.
 */
export type FieldRole = "identity" | "setting" | "links" | "control" | "computed";

/** One field of a resource. */
export interface FieldSpec {
  readonly role: FieldRole;
  readonly type: FieldType;
  /** GitLab's own name for it (its API parameter or response field), where GitLab has one. */
  readonly gitlab?: string;
  /** Always stored and shown as a secret. */
  readonly secret?: boolean;
  /** The output may be `null` (GitLab reports no value). */
  readonly nullable?: boolean;
  /** An input that is an output too even when the program leaves it out (GitLab reports it). */
  readonly computedToo?: boolean;
  /** An input the resource cannot do without. */
  readonly required?: boolean;
  /** A computed output that may be absent (a token GitLab never showed us). */
  readonly optional?: boolean;
  /** What the field is, in Markdown: one or more sentences. */
  readonly docs: string;
  /** What happens when the program leaves it out. */
  readonly default?: string;
  /** The values GitLab allows, for the docs tables. */
  readonly allowed?: string;
}

/** A resource: its names and its fields. */
export interface ResourceDescription {
  /** The class name, e.g. `Runner`. */
  readonly name: string;
  /** The dynamic resource's type token (`pulumi-nodejs:dynamic/<module>:<type>`). */
  readonly dynamicType: string;
  /** The provider plugin's type token (`gitlab-runners:index:<type>`). */
  readonly pluginType: string;
  /** What the resource is, in Markdown. */
  readonly docs: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

/** The names of `D`'s fields that have role `R`. */
export type FieldsWithRole<D extends ResourceDescription, R extends FieldRole> = {
  [K in keyof D["fields"]]: D["fields"][K]["role"] extends R ? K : never;
}[keyof D["fields"]] &
  string;

/** The names of `D`'s inputs (every field but the computed ones). */
export type InputNames<D extends ResourceDescription> = FieldsWithRole<
  D,
  "identity" | "setting" | "links" | "control"
>;

/** The names of `D`'s fields with role `role`, in the table's order. */
export function fieldsWithRole<D extends ResourceDescription, R extends FieldRole>(
  description: D,
  ...roles: R[]
): FieldsWithRole<D, R>[] {
  return Object.entries(description.fields)
    .filter(([, spec]) => (roles as FieldRole[]).includes(spec.role))
    .map(([name]) => name as FieldsWithRole<D, R>);
}

/** The names of `D`'s inputs, in the table's order. */
export function inputNames<D extends ResourceDescription>(description: D): InputNames<D>[] {
  return fieldsWithRole(description, "identity", "setting", "links", "control");
}

/** Every field name: what the resource's outputs may hold (Pulumi echoes the inputs into them). */
export function outputNames<D extends ResourceDescription>(description: D): (keyof D["fields"] & string)[] {
  return Object.keys(description.fields) as (keyof D["fields"] & string)[];
}

/** The secret fields (stored as secrets whatever the program passes). */
export function secretNames(description: ResourceDescription): string[] {
  return Object.entries(description.fields)
    .filter(([, spec]) => spec.secret === true)
    .map(([name]) => name);
}

/** The TypeScript type of a value of field type `T`. */
export type ValueOf<T extends FieldType> = T extends { kind: "string" }
  ? string
  : T extends { kind: "boolean" }
    ? boolean
    : T extends { kind: "integer" }
      ? number
      : T extends { kind: "enum"; values: infer V extends readonly string[] }
        ? V[number]
        : T extends { kind: "string-set" }
          ? string[]
          : T extends { kind: "id-or-path" }
            ? number | string
            : T extends { kind: "id-or-path-set" }
              ? (number | string)[]
              : T extends {
                    kind: "object-list";
                    properties: infer P extends Readonly<Record<string, ObjectProperty>>;
                  }
                ? {
                    [K in keyof P]:
                      | (P[K]["type"] extends "integer" ? number : string)
                      | (P[K]["nullable"] extends true ? null : never);
                  }[]
                : never;

type OutputValue<F extends FieldSpec> = ValueOf<F["type"]> | (F["nullable"] extends true ? null : never);

/** The outputs always present: computed fields (but optional ones), settings, and inputs GitLab reports. */
type PresentOutputs<D extends ResourceDescription> = {
  [K in keyof D["fields"]]: D["fields"][K]["role"] extends "computed"
    ? D["fields"][K]["optional"] extends true
      ? never
      : K
    : D["fields"][K]["role"] extends "setting"
      ? K
      : D["fields"][K]["computedToo"] extends true
        ? K
        : never;
}[keyof D["fields"]];

/**
 * A resource's outputs as its state stores them: every computed field and setting as GitLab
 * reports it, and the inputs that say what the resource is, as the program gave them.
 */
export type OutputsOf<D extends ResourceDescription> = {
  -readonly [K in PresentOutputs<D>]: OutputValue<D["fields"][K]>;
} & {
  -readonly [K in Exclude<keyof D["fields"], PresentOutputs<D>>]?: OutputValue<D["fields"][K]>;
};

/**
 * `true` when `A` and `B` are the same set of names, else `never`: `true satisfies SameNames<…>`
 * makes a class declared by hand fail to compile when it and its description disagree.
 */
export type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
