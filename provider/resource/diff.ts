/**
 * How a resource's diff compares a program value with the one GitLab last reported, per field
 * type of the description: a set is a set (order and repeats never matter), an empty text and
 * GitLab's `null` mean the same, a value not known yet (preview) may differ.
 */
import type { FieldSpec } from "./description";
import { isUnknown } from "./host-values";

/** A list as a set: trimmed, de-duplicated and sorted, so order never matters. */
export function asSet(values: readonly string[] | null | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()))].sort();
}

/** Compares two lists as sets. */
export function sameSet(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined) {
  const x = asSet(a);
  const y = asSet(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Whether the program's value for a setting differs from the one GitLab last reported. A
 * setting the program leaves out (`undefined` or `null`) is not managed and never differs.
 */
export function settingDiffers(spec: FieldSpec, desired: unknown, current: unknown): boolean {
  if (desired === undefined || desired === null) return false;
  if (isUnknown(desired)) return true;
  switch (spec.type.kind) {
    case "string-set":
      return !sameSet(desired as string[], (current as string[] | null | undefined) ?? []);
    case "string":
      // GitLab stores an empty text as "" or null depending on version; both mean "none".
      return (desired as string) !== ((current as string | null | undefined) ?? "");
    default:
      return desired !== current;
  }
}
