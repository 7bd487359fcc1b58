/**
 * Which Pulumi resource a set of inputs belongs to: its URN and its stack's organization.
 *
 * The dynamic-provider host never tells a provider which resource it is acting on (`create`
 * gets the inputs only), yet two things need it: recognising, from GitLab's own records, a
 * runner an interrupted `pulumi up` created for this very resource (`provider/runner/
 * creation-mark.ts`), and reading the stack's current configuration on refresh and destroy
 * (`provider/configure.ts`). So the sdk, which runs in the program and knows the resource's name,
 * type, parent, project and stack, computes the URN (`pulumi.createUrn`, exactly as the engine
 * does) and passes it as a hidden input, `__origin`. Like `__provider`, a name starting with `__`
 * is internal: Pulumi's diff display leaves it out, and it is not an argument of the resource.
 * It holds no secret. A module without dependencies, so the sdk can import it.
 */

/** The hidden input (and output) that carries the resource's origin. */
export const ORIGIN_KEY = "__origin";

/** The resource's URN and its stack's organization (`organization` on a DIY backend). */
export interface ResourceOrigin {
  urn: string;
  organization: string;
}

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export interface StackRef {
  organization: string;
  project: string;
  stack: string;
  /** The resource's own name (the URN's last part). */
  name: string;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: the type holds no `::`; the name may. */
function parseUrn(urn: string): { stack: string; project: string; name: string } | undefined {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0]?.startsWith("urn:pulumi:")) return undefined;
  const stack = parts[0].slice("urn:pulumi:".length);
  const project = parts[1] ?? "";
  if (stack === "" || project === "" || (parts[2] ?? "") === "") return undefined;
  return { stack, project, name: parts.slice(3).join("::") };
}

/** The origin a property bag carries, if it carries a well-formed one. */
export function originOf(bag: Record<string, unknown> | undefined): ResourceOrigin | undefined {
  const value = bag?.[ORIGIN_KEY];
  if (typeof value !== "object" || value === null) return undefined;
  const { urn, organization } = value as Record<string, unknown>;
  if (typeof urn !== "string" || typeof organization !== "string") return undefined;
  if (parseUrn(urn) === undefined || organization === "") return undefined;
  return { urn, organization };
}

/** The stack of an origin. */
export function stackOf(origin: ResourceOrigin): StackRef {
  const parsed = parseUrn(origin.urn);
  // originOf only lets well-formed URNs through.
  if (parsed === undefined) throw new Error(`not a URN: ${origin.urn}`);
  return { organization: origin.organization, ...parsed };
}

/** `outs` with `origin` kept as the hidden `__origin` output (when there is one). */
export function withOrigin<T extends Record<string, unknown>>(
  outs: T,
  origin: ResourceOrigin | undefined,
): T & { [ORIGIN_KEY]?: ResourceOrigin } {
  return origin === undefined ? outs : { ...outs, [ORIGIN_KEY]: origin };
}
