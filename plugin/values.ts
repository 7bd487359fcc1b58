/**
 * Property values as they cross the gRPC boundary: `google.protobuf.Struct` ↔ plain objects,
 * secrets and unknowns.
 *
 * The engine encodes a secret as an object carrying a signature key and a value, and a value not
 * known yet (during preview) as a fixed string (`sdk/go/common/resource/plugin/rpc.go`, the same
 * constants as `@pulumi/pulumi/runtime/rpc.js`). The plugin answers `acceptSecrets: true`, so
 * secret inputs arrive wrapped; the implementation sees plain values and the plugin wraps the
 * secret properties again on the way out, so the state holds ciphertext.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The key that marks a special object (secret, asset, resource reference). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** A value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Bag = Record<string, unknown>;

function isSecretObject(value: unknown): value is { value?: unknown } {
  return typeof value === "object" && value !== null && (value as Bag)[SIG_KEY] === SECRET_SIG;
}

/** A secret-wrapped value, as the engine reads it. */
export function secret(value: unknown): Bag {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** True when the value, or anything inside it, is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/** Removes secret wrappers at any depth. */
export function unwrapValue(value: unknown): unknown {
  if (isSecretObject(value)) return unwrapValue(value.value);
  if (Array.isArray(value)) return value.map(unwrapValue);
  if (typeof value === "object" && value !== null) {
    const out: Bag = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapValue(v);
    return out;
  }
  return value;
}

function hasSecret(value: unknown): boolean {
  if (isSecretObject(value)) return true;
  if (Array.isArray(value)) return value.some(hasSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasSecret);
  return false;
}

/** A property bag without secret wrappers, and the names of its top-level properties that held one. */
export function unwrap(bag: Bag): { values: Bag; secrets: Set<string> } {
  const values: Bag = {};
  const secrets = new Set<string>();
  for (const [k, v] of Object.entries(bag)) {
    if (hasSecret(v)) secrets.add(k);
    values[k] = unwrapValue(v);
  }
  return { values, secrets };
}

/** Wraps the named top-level properties as secrets (those that are set; `undefined` is dropped). */
export function wrap(bag: Bag, secretNames: Iterable<string>): Bag {
  const names = new Set(secretNames);
  const out: Bag = {};
  for (const [k, v] of Object.entries(bag)) {
    if (v === undefined) continue;
    out[k] = names.has(k) && v !== null && !isSecretObject(v) ? secret(v) : v;
  }
  return out;
}

/** `Struct` → plain object (secrets still wrapped); a missing struct is `{}`. */
export function fromStruct(struct: Struct | undefined): Bag {
  return (struct?.toJavaScript() ?? {}) as Bag;
}

/** Drops `undefined` at any depth: protobuf's Value has no such kind. */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : defined(v)));
  if (typeof value === "object" && value !== null) {
    const out: Bag = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = defined(v);
    return out;
  }
  return value;
}

/** Plain object → `Struct`. */
export function toStruct(bag: Bag): Struct {
  return Struct.fromJavaScript(defined(bag) as Parameters<typeof Struct.fromJavaScript>[0]);
}
