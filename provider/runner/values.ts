/**
 * Helpers for property values as the dynamic-provider host hands them over.
 */

/**
 * The sentinel the Node SDK sends for a value not known yet during preview (an output of a
 * resource that is still to be created). It is `rpc.unknownValue` in
 * `@pulumi/pulumi/runtime/rpc.js`; copied here so `provider/` does not load the SDK runtime.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when a property value is not known yet (preview of a value computed by another resource). */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  return Array.isArray(value) && value.some((v) => v === UNKNOWN);
}

/** A record's own property that is neither absent nor `null`. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The tag list as a set: trimmed, de-duplicated and sorted, so order never matters. */
export function tagSet(tags: readonly string[] | null | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim()))].sort();
}

/** Compares two tag lists as sets. */
export function sameTags(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined) {
  const x = tagSet(a);
  const y = tagSet(b);
  return x.length === y.length && x.every((t, i) => t === y[i]);
}
