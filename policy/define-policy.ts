/**
 * What every resource policy of the pack does before its own check, written once: select the
 * resource types it applies to, resolve its config, skip exempt resources, and (for Runner
 * policies) read the runner's inputs.
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { configSchemaOf, type ParamSpecs, resolveConfig } from "./config";
import { type Props, type RunnerFacts, runnerFacts } from "./props";
import { isType, PLUGIN_TYPES, RUNNER_TYPE } from "./resource-types";

/** The parameter every policy has. */
export interface ExemptionConfig {
  /**
   * Pulumi resource names (the first argument of `new gitlab.Runner(name, …)`) this policy skips.
   *
   * @default []
   */
  exemptNames: readonly string[];
}

/** The declaration of {@link ExemptionConfig}, spread last into every policy's parameters. */
export const exemptNamesSpec: ParamSpecs<ExemptionConfig> = {
  exemptNames: {
    kind: "string[]",
    default: [],
    description: "Pulumi resource names (the name given to new gitlab.Runner(name, …)) this policy skips.",
  },
};

/** Whether the policy config lists this Pulumi resource name in `exemptNames`. */
export function isExempt(config: ExemptionConfig, name: string): boolean {
  return config.exemptNames.includes(name);
}

/** The parts of a resource policy that differ from one policy to the next. */
interface PolicyDefinition<C extends ExemptionConfig> {
  /** The policy's name, its key in `--policy-pack-config`. */
  name: string;
  /** One sentence, shown above each violation. */
  description: string;
  /** The level unless the policy config sets another. */
  enforcementLevel: EnforcementLevel;
  /** The parameters with their defaults, `exemptNames` included. */
  params: ParamSpecs<C>;
  /**
   * Checks that span parameters (a range, a regular expression). They run before exemptions, so
   * a config the pack cannot use fails on every resource, exempt or not.
   */
  checkConfig?(config: C): void;
}

/** A policy on resources of the given types: the check gets the validation arguments. */
export interface ResourcePolicyDefinition<C extends ExemptionConfig> extends PolicyDefinition<C> {
  /** The type tokens the policy applies to; every other resource is not applicable. */
  types: readonly [string, ...string[]];
  /** The check itself, for a resource of one of `types` that is not exempt. */
  validate(args: ResourceValidationArgs, config: C, reportViolation: ReportViolation): void;
}

/** A policy on `gitlab.Runner` resources: the check gets the runner's inputs, read once. */
export interface RunnerPolicyDefinition<C extends ExemptionConfig> extends PolicyDefinition<C> {
  /** The check itself, for a runner that is not exempt. */
  validate(runner: RunnerFacts, config: C, reportViolation: ReportViolation): void;
}

/**
 * A resource policy from its definition, for its types through either front door (the dynamic
 * resources' tokens and the plugin's). No `__pulumiType` on the validation: @pulumi/policy
 * compares it with one token only (`getPulumiType` in @pulumi/policy/policy.js) and would skip the
 * plugin's resources.
 */
export function resourcePolicy<C extends ExemptionConfig>(
  definition: ResourcePolicyDefinition<C>,
): ResourceValidationPolicy {
  const { name, params, types } = definition;
  const validate: ResourceValidation = (args, reportViolation) => {
    if (!types.some((t) => isType(args.type, t))) {
      const all = types.flatMap((t) => [t, PLUGIN_TYPES[t] ?? t]);
      args.notApplicable(`the policy applies to ${all.join(", ")} only`);
    }
    const config = resolveConfig(name, params, args.getConfig());
    definition.checkConfig?.(config);
    if (isExempt(config, args.name)) args.notApplicable(`"${args.name}" is listed in exemptNames`);
    definition.validate(args, config, reportViolation);
  };
  return {
    name,
    description: definition.description,
    enforcementLevel: definition.enforcementLevel,
    configSchema: configSchemaOf(params),
    validateResource: validate,
  };
}

/** A policy on `gitlab.Runner` resources from its definition. */
export function runnerPolicy<C extends ExemptionConfig>(
  definition: RunnerPolicyDefinition<C>,
): ResourceValidationPolicy {
  return resourcePolicy({
    ...definition,
    types: [RUNNER_TYPE],
    validate: (args, config, reportViolation) =>
      definition.validate(runnerFacts(args.props as Props), config, reportViolation),
  });
}
