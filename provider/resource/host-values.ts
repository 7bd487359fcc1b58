/**
 * Property values as Pulumi's hosts hand them to a provider: the sentinel for a value not known
 * yet during `pulumi preview`. A module without dependencies, so the policy pack and the sdk can
 * share it.
 */

/**
 * The sentinel the Node SDK and its dynamic-provider host use for a value that is not known yet
 * (an output of a resource still to be created): `rpc.unknownValue` in
 * `@pulumi/pulumi/runtime/rpc.js`. Written out here so `provider/` does not load the SDK runtime.
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * True when a property value is not known yet, or holds an unknown anywhere inside it (a list of
 * tags where one tag is computed, an object with an unknown field).
 */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(isUnknown);
  return false;
}
