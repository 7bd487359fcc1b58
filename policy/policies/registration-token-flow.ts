import type { ParamSpecs } from "../config";
import { type ExemptionConfig, exemptNamesSpec, runnerPolicy } from "../define-policy";
import { POLICY_NAMES } from "../names";

/** Config of `registration-token-flow`: only the exemptions. */
export type RegistrationTokenFlowConfig = ExemptionConfig;

/** Parameters of `registration-token-flow`, with their defaults. */
export const registrationTokenFlowParams: ParamSpecs<RegistrationTokenFlowConfig> = { ...exemptNamesSpec };

/**
 * Flags the registration-token flow (`registrationToken`, `POST /runners`). Advisory by
 * default: it still works on GitLab up to 16.x and where an administrator re-enabled it. The
 * token itself is never quoted.
 */
export const registrationTokenFlow = runnerPolicy({
  name: POLICY_NAMES.registrationTokenFlow,
  description: "Runners should be created with runnerType, not with a registration token.",
  enforcementLevel: "advisory",
  params: registrationTokenFlowParams,
  validate(runner, _config, reportViolation) {
    if (runner.registrationToken !== true) return;
    reportViolation(
      "This runner is registered with a registration token (registrationToken), a flow GitLab " +
        "deprecated in 15.6 and disabled by default in 17.0 (the server answers 410 Gone) before removing it. " +
        'Remove registrationToken and create the runner with runnerType instead: runnerType: "group_type" ' +
        'with groupId, runnerType: "project_type" with projectId, or runnerType: "instance_type" ' +
        "(needs GitLab 15.11 or later; the runner is replaced).",
    );
  },
});
