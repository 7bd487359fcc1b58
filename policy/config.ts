import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema, PolicyConfigJSONSchemaType } from "@pulumi/policy/schema";

/** The parameter kinds the pack's policies use. */
type KindOf<T> = T extends boolean
  ? "boolean"
  : T extends number
    ? "number"
    : T extends string
      ? "string"
      : T extends readonly string[]
        ? "string[]"
        : T extends readonly number[]
          ? "number[]"
          : never;

/** How one parameter of a policy's config is declared: its kind, default and documentation. */
export interface ParamSpec<T> {
  kind: KindOf<T>;
  default: T;
  description: string;
  /** For numbers: the smallest value allowed. */
  minimum?: number;
}

/** The declaration of every parameter of a config type `C`. */
export type ParamSpecs<C> = { [K in keyof C]-?: ParamSpec<C[K]> };

function jsonSchemaOf(spec: ParamSpec<unknown>): PolicyConfigJSONSchema {
  const base = { description: spec.description, default: spec.default as PolicyConfigJSONSchemaType };
  switch (spec.kind) {
    case "boolean":
      return { ...base, type: "boolean" };
    case "number":
      return spec.minimum === undefined
        ? { ...base, type: "number" }
        : { ...base, type: "number", minimum: spec.minimum };
    case "string":
      return { ...base, type: "string" };
    case "string[]":
      return { ...base, type: "array", items: { type: "string" } };
    case "number[]":
      return { ...base, type: "array", items: { type: "number" } };
    default:
      throw new Error(`unsupported parameter kind ${String(spec.kind)}`);
  }
}

/**
 * The `configSchema` Pulumi shows and validates `--policy-pack-config` against: one JSON-schema
 * property per parameter, each with its default.
 */
export function configSchemaOf<C>(specs: ParamSpecs<C>): PolicyConfigSchema {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const [key, spec] of Object.entries(specs) as [string, ParamSpec<unknown>][]) {
    properties[key] = jsonSchemaOf(spec);
  }
  return { properties };
}

function matchesKind(kind: string, value: unknown): boolean {
  switch (kind) {
    case "boolean":
      return typeof value === "boolean";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
      return typeof value === "string";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "number[]":
      return Array.isArray(value) && value.every((v) => typeof v === "number" && Number.isFinite(v));
    default:
      return false;
  }
}

/** Thrown for a policy config the pack cannot use; Pulumi shows the message and stops. */
export class PolicyConfigError extends Error {
  constructor(policyName: string, message: string) {
    super(`policy config of "${policyName}": ${message}`);
    this.name = "PolicyConfigError";
  }
}

/**
 * The policy's parameters: what `args.getConfig()` holds (the policy's entry in
 * `--policy-pack-config`, which the engine fills with the schema's defaults), completed with
 * the defaults here so the policies also behave when called without the engine. Unknown keys
 * (and `enforcementLevel`) are ignored; a value of the wrong type is an error that names the key.
 */
export function resolveConfig<C>(policyName: string, specs: ParamSpecs<C>, raw: unknown): C {
  const given = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const resolved: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs) as [string, ParamSpec<unknown>][]) {
    const value = given[key];
    if (value === undefined || value === null) {
      resolved[key] = spec.default;
      continue;
    }
    if (!matchesKind(spec.kind, value)) {
      throw new PolicyConfigError(
        policyName,
        `"${key}" must be ${describeKind(spec.kind)}, got ${JSON.stringify(value)}; ` +
          `the default is ${JSON.stringify(spec.default)}.`,
      );
    }
    if (spec.minimum !== undefined && typeof value === "number" && value < spec.minimum) {
      throw new PolicyConfigError(policyName, `"${key}" must be at least ${spec.minimum}, got ${value}.`);
    }
    resolved[key] = value;
  }
  return resolved as C;
}

function describeKind(kind: string): string {
  switch (kind) {
    case "string[]":
      return "an array of strings";
    case "number[]":
      return "an array of numbers";
    default:
      return `a ${kind}`;
  }
}

const patternCache = new Map<string, RegExp>();

/**
 * Compiles a regular expression from the policy config, once. An invalid one is an error that
 * names the key, instead of a stack trace from the policy.
 */
export function compilePattern(policyName: string, key: string, source: string, flags: string): RegExp {
  const cacheKey = `${flags}/${source}`;
  const cached = patternCache.get(cacheKey);
  if (cached) return cached;
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyConfigError(
      policyName,
      `"${key}" is not a valid JavaScript regular expression (${JSON.stringify(source)}): ${reason}`,
    );
  }
  patternCache.set(cacheKey, pattern);
  return pattern;
}
