import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { configSchemaOf, type ParamSpecs, resolveConfig } from "../config";
import { type ExemptionConfig, exemptNamesSpec, isExempt } from "../define-policy";
import { POLICY_NAMES } from "../names";
import { type Props, readString, UNKNOWN } from "../props";
import { isType, PLUGIN_TYPES, RUNNER_TYPE } from "../resource-types";

/** Config of `unique-runner-descriptions`. */
export interface UniqueRunnerDescriptionsConfig extends ExemptionConfig {
  /**
   * Whether descriptions that differ only in letter case (or surrounding spaces, which are
   * always ignored) count as the same.
   *
   * @default true
   */
  ignoreCase: boolean;
}

/** Parameters of `unique-runner-descriptions`, with their defaults. */
export const uniqueRunnerDescriptionsParams: ParamSpecs<UniqueRunnerDescriptionsConfig> = {
  ignoreCase: {
    kind: "boolean",
    default: true,
    description: "Whether descriptions differing only in letter case count as the same.",
  },
  ...exemptNamesSpec,
};

const name = POLICY_NAMES.uniqueRunnerDescriptions;

/**
 * No two runners of the stack with the same description: GitLab's UI and API list runners by
 * description, so duplicates cannot be told apart. Runners without a description (or whose
 * description is not known yet) are left out; `runner-description-format` covers those.
 */
export const uniqueRunnerDescriptions: StackValidationPolicy = {
  name,
  description: "No two runners of a stack may have the same description.",
  enforcementLevel: "mandatory",
  configSchema: configSchemaOf(uniqueRunnerDescriptionsParams),
  // No `__pulumiType` (see define-policy.ts): it would skip a stack whose runners are the plugin's.
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    if (!args.resources.some((r) => isType(r.type, RUNNER_TYPE))) {
      args.notApplicable(
        `the policy applies to stacks with ${RUNNER_TYPE} or ${PLUGIN_TYPES[RUNNER_TYPE]} resources only`,
      );
    }
    const config = resolveConfig(name, uniqueRunnerDescriptionsParams, args.getConfig());
    const groups = new Map<string, { description: string; runners: PolicyResource[] }>();
    for (const resource of args.resources) {
      if (!isType(resource.type, RUNNER_TYPE) || isExempt(config, resource.name)) continue;
      const description = readString(resource.props as Props, "description");
      if (description === undefined || description === UNKNOWN || description.trim() === "") continue;
      const key = config.ignoreCase ? description.trim().toLowerCase() : description.trim();
      const group = groups.get(key) ?? { description, runners: [] };
      group.runners.push(resource);
      groups.set(key, group);
    }
    for (const { description, runners } of groups.values()) {
      if (runners.length < 2) continue;
      const names = runners.map((r) => JSON.stringify(r.name)).join(", ");
      for (const duplicate of runners.slice(1)) {
        reportViolation(
          `Runners ${names} share the description ${JSON.stringify(description)}, so they cannot be ` +
            `told apart in GitLab. Give each runner its own description ` +
            `(e.g. description: ${JSON.stringify(`${description.trim()} 2`)} on "${duplicate.name}").`,
          duplicate.urn,
        );
      }
    }
  },
};
