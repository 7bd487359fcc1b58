/**
 * How a resource's diff compares a program value with the one GitLab last reported, per field
 * type of the description: a set is a set (order and repeats never matter), an empty text and
 * GitLab's `null` mean the same, a value not known yet (preview) may differ.
 */
import type * as pulumi from "@pulumi/pulumi";
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

/** How one property changes, in the terms of Pulumi's detailed diff (`PropertyDiff.Kind`). */
export type PropertyChange =
  | "add"
  | "update"
  | "delete"
  | "add-replace"
  | "update-replace"
  | "delete-replace";

/**
 * A resource's diff as every front door needs it: Pulumi's `DiffResult` with every field filled,
 * plus the change of each property. The dynamic-provider host forwards `changes`, `replaces` and
 * `deleteBeforeReplace` (it drops `stables` and has no detailed diff); the plugin server forwards
 * everything.
 */
export interface PlannedDiff extends pulumi.dynamic.DiffResult {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Outputs this change leaves as they are (so dependents keep their known values in a preview). */
  readonly stables: string[];
  readonly deleteBeforeReplace: boolean;
  /** Each changed input and how it changes. */
  readonly detailedDiff: Record<string, PropertyChange>;
}

/** How a property whose old value is `before` changes to `now`, replacing or not. */
export function changeOf(before: unknown, now: unknown, replace: boolean): PropertyChange {
  const kind =
    before === undefined || before === null ? "add" : now === undefined || now === null ? "delete" : "update";
  return replace ? `${kind}-replace` : kind;
}
