/**
 * Calling the pack's policies the way @pulumi/policy does, without an engine: @pulumi/policy
 * publishes no test helper, so these build the validation arguments by hand after
 * `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun` in `@pulumi/policy/server.js` (the same
 * unknown-checking proxy around the props, the same `getConfig` and enforcement-level
 * handling). Used by the unit tests of policy/.
 */

import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as policyLib from "@pulumi/policy";

// Exported by @pulumi/policy's index.js but missing from its typings (marked internal).
const { unknownCheckingProxy } = policyLib as unknown as { unknownCheckingProxy<T>(value: T): T };

/**
 * What Pulumi sends for a value that is not known during preview (`rpc.unknownValue`). Put it
 * anywhere in `props`: reading it throws as it does under the engine.
 */
export { UNKNOWN_VALUE } from "../../provider/resource/host-values";

/** A stand-in for the serialized provider every dynamic resource carries in its props. */
export const FAKE_PROVIDER = "exports.handler = __f0; function __f0() { /* serialized shim */ }";

/** One resource handed to a policy. */
export interface TestResource {
  /** The type token, e.g. `pulumi-nodejs:dynamic/gitlab:Runner`. */
  type: string;
  /** Its inputs (resource policies) or outputs (stack policies); `__provider` is added. */
  props: Record<string, unknown>;
  /** The Pulumi resource name; default `"test"`. */
  name?: string;
}

/** The policy's entry in `--policy-pack-config`: an enforcement level alone, or parameters. */
export type TestPolicyConfig =
  | EnforcementLevel
  | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** What a policy did with a resource or a stack. */
export interface PolicyOutcome {
  /** The level the violations would be reported at; `disabled` means the policy did not run. */
  enforcementLevel: EnforcementLevel;
  violations: { message: string; urn?: string }[];
  /** The reason given when the policy declared itself not applicable. */
  notApplicable?: string;
}

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::pulumi-gitlab-runners::${type}::${name}`;
}

function pulumiTypeOf(value: unknown): string | undefined {
  const token = (value as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof token === "string" ? token : undefined;
}

/** `getConfig` as the policy server builds it: the entry minus `enforcementLevel`. */
function configGetter(config: TestPolicyConfig | undefined): <T extends object>() => T {
  return <T extends object>() => {
    if (config === undefined || typeof config === "string") return {} as T;
    const { enforcementLevel: _level, ...properties } = config;
    return properties as T;
  };
}

function levelOf(policy: { enforcementLevel?: EnforcementLevel }, config: TestPolicyConfig | undefined) {
  const configured = typeof config === "string" ? config : config?.enforcementLevel;
  return configured ?? policy.enforcementLevel ?? "advisory";
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "");
}

/** What a resource looks like to every policy: the fields resource and stack validations share. */
function policyView(resource: TestResource, name: string) {
  const props = unknownCheckingProxy({ __provider: FAKE_PROVIDER, ...resource.props });
  const isType = (resourceClass: unknown) => pulumiTypeOf(resourceClass) === resource.type;
  return {
    type: resource.type,
    props,
    urn: urnOf(resource.type, name),
    name,
    opts: OPTIONS,
    isType,
    asType: ((resourceClass: unknown) =>
      isType(resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
  };
}

/** The arguments @pulumi/policy passes to `validateResource` for one resource. */
export function resourceArgs(resource: TestResource, config?: TestPolicyConfig): ResourceValidationArgs {
  return {
    ...policyView(resource, resource.name ?? "test"),
    stackTags: new Map(),
    getConfig: configGetter(config),
    notApplicable,
  };
}

/** The arguments @pulumi/policy passes to `validateStack`. */
export function stackArgs(
  resources: readonly TestResource[],
  config?: TestPolicyConfig,
): StackValidationArgs {
  const policyResources = resources.map(
    (resource, i): PolicyResource => ({
      ...policyView(resource, resource.name ?? `test-${i}`),
      dependencies: [],
      propertyDependencies: {},
    }),
  );
  return { resources: policyResources, stackTags: new Map(), getConfig: configGetter(config), notApplicable };
}

/** Runs a resource policy on one resource, as the engine would during preview or update. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: TestResource,
  config?: TestPolicyConfig,
): Promise<PolicyOutcome> {
  const outcome: PolicyOutcome = { enforcementLevel: levelOf(policy, config), violations: [] };
  if (outcome.enforcementLevel === "disabled" || !policy.validateResource) return outcome;
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : [policy.validateResource];
  const token = validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined;
  if (token !== undefined && token !== resource.type) {
    outcome.notApplicable = `Policy only applies to resources of type '${token}'`;
    return outcome;
  }
  for (const validate of validations) {
    try {
      await validate(resourceArgs(resource, config), (message, urn) => {
        outcome.violations.push(urn === undefined ? { message } : { message, urn });
      });
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
      outcome.notApplicable = error.reason;
    }
  }
  return outcome;
}

/** Runs a stack policy on a stack's resources, as the engine would after preview or update. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: readonly TestResource[],
  config?: TestPolicyConfig,
): Promise<PolicyOutcome> {
  const outcome: PolicyOutcome = { enforcementLevel: levelOf(policy, config), violations: [] };
  if (outcome.enforcementLevel === "disabled") return outcome;
  const token = pulumiTypeOf(policy.validateStack);
  if (token !== undefined && !resources.some((r) => r.type === token)) {
    outcome.notApplicable = `Policy only applies to resources of type '${token}'`;
    return outcome;
  }
  try {
    await policy.validateStack(stackArgs(resources, config), (message, urn) => {
      outcome.violations.push(urn === undefined ? { message } : { message, urn });
    });
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
    outcome.notApplicable = error.reason;
  }
  return outcome;
}
