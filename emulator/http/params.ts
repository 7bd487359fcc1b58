import { paramError } from "./errors";

/**
 * Grape-like parameter declaration, coercion and validation (docs/gitlab-api.md §1.3). Every failure
 * message is Grape's own wording; several failures are joined with ", " into one
 * 400 `{"error": "..."}`.
 */
export type ParamKind = "integer" | "boolean" | "string" | "tag_list" | "hash";

export interface ParamSpec {
  name: string;
  type: ParamKind;
  required?: boolean;
  /** Grape `values:`: anything else is "<p> does not have a valid value". */
  values?: readonly string[];
  /** Grape `except_values:`: "<p> has a value not allowed". */
  except?: readonly (string | number)[];
  /** Integers below this are "<p> does not have a valid value". */
  min?: number;
  /** Grape `regexp:`: "<p> is invalid". */
  regexp?: RegExp;
  default?: string | number | boolean;
}

export interface ParamRules {
  specs: readonly ParamSpec[];
  mutuallyExclusive?: readonly (readonly string[])[];
  atLeastOneOf?: readonly string[];
}

export type Params = Record<string, unknown>;

const INVALID = Symbol("invalid");
const TRUE_STRINGS = new Set(["true", "1", "t", "yes", "y", "on"]);
const FALSE_STRINGS = new Set(["false", "0", "f", "no", "n", "off"]);

export function coerceInteger(value: unknown): number | null | typeof INVALID {
  if (value === null || value === "") return null;
  if (typeof value === "number") return Number.isInteger(value) ? value : INVALID;
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) {
    const n = Number.parseInt(value, 10);
    return Number.isSafeInteger(n) ? n : INVALID;
  }
  return INVALID;
}

export function coerceBoolean(value: unknown): boolean | null | typeof INVALID {
  if (value === null || value === "") return null;
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (TRUE_STRINGS.has(lower)) return true;
    if (FALSE_STRINGS.has(lower)) return false;
  }
  return INVALID;
}

/**
 * GitLab's `CommaSeparatedToArray`: a string is split on commas, an array has each element
 * split too, anything else becomes []. Blank pieces are dropped the way acts-as-taggable does.
 */
export function coerceTagList(value: unknown): string[] {
  const pieces: string[] = [];
  const add = (v: unknown): void => {
    for (const piece of String(v).split(",")) {
      const tag = piece.trim();
      if (tag !== "" && !pieces.includes(tag)) pieces.push(tag);
    }
  };
  if (typeof value === "string") add(value);
  else if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v !== "object") add(v);
  }
  return pieces;
}

function coerce(spec: ParamSpec, value: unknown): unknown {
  switch (spec.type) {
    case "integer":
      return coerceInteger(value);
    case "boolean":
      return coerceBoolean(value);
    case "string":
      if (value === null) return null;
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      return INVALID;
    case "tag_list":
      return coerceTagList(value);
    case "hash":
      return typeof value === "object" && value !== null && !Array.isArray(value) ? value : INVALID;
  }
}

/** Validates and coerces `raw` (query, body and path params merged). Throws 400 on failure. */
export function validateParams(raw: Params, rules: ParamRules): Params {
  const out: Params = {};
  const errors: string[] = [];
  for (const spec of rules.specs) {
    const present = Object.hasOwn(raw, spec.name) && raw[spec.name] !== undefined;
    if (!present) {
      if (spec.required) {
        errors.push(`${spec.name} is missing`);
        if (spec.values) errors.push(`${spec.name} does not have a valid value`);
      } else if (spec.default !== undefined) {
        out[spec.name] = spec.default;
      }
      continue;
    }
    const value = coerce(spec, raw[spec.name]);
    if (value === INVALID) {
      errors.push(`${spec.name} is invalid`);
      continue;
    }
    if (spec.values && value !== null && !spec.values.includes(String(value))) {
      errors.push(`${spec.name} does not have a valid value`);
      continue;
    }
    if (spec.except && value !== null && spec.except.includes(value as string | number)) {
      errors.push(`${spec.name} has a value not allowed`);
      continue;
    }
    if (spec.min !== undefined && typeof value === "number" && value < spec.min) {
      errors.push(`${spec.name} does not have a valid value`);
      continue;
    }
    if (spec.regexp && typeof value === "string" && !spec.regexp.test(value)) {
      errors.push(`${spec.name} is invalid`);
      continue;
    }
    out[spec.name] = value;
  }
  for (const group of rules.mutuallyExclusive ?? []) {
    const given = group.filter((name) => Object.hasOwn(raw, name) && raw[name] !== undefined);
    if (given.length > 1) errors.push(`${given.join(", ")} are mutually exclusive`);
  }
  if (rules.atLeastOneOf) {
    const any = rules.atLeastOneOf.some((name) => Object.hasOwn(raw, name) && raw[name] !== undefined);
    if (!any)
      errors.push(`${rules.atLeastOneOf.join(", ")} are missing, at least one parameter must be provided`);
  }
  if (errors.length > 0) throw paramError(errors);
  return out;
}

/** `use :pagination` (docs/gitlab-api.md §1.4). */
export const PAGINATION_SPECS: readonly ParamSpec[] = [
  { name: "page", type: "integer", default: 1, min: 1 },
  { name: "per_page", type: "integer", default: 20, except: [0], min: 1 },
];
