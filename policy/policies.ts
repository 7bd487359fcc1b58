/**
 * The policies of the `gitlab-runner-guardrails` pack, apart from the `PolicyPack` entry point
 * (`index.ts`) so that they are plain values a unit test can call. One file per policy in
 * `policies/`; what they all do first (type selection, config, exemptions, reading the runner)
 * is in `define-policy.ts`.
 *
 * Three rules hold for every policy:
 * - a value that is not known yet (computed during preview) is never a violation: the check is
 *   skipped and runs again at `pulumi up`, when the value is known;
 * - an input omitted from a new runner takes GitLab's default (runUntagged true, locked false,
 *   accessLevel not_protected, no maximumTimeout, no tags, empty description);
 * - an input omitted from an adopted runner (`adoptRunnerId`) is not managed: GitLab keeps its
 *   current value, which the policy cannot see, so that input is not judged. Set the input in
 *   the program to have it checked.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { deployRunnerRefProtected } from "./policies/deploy-runner-ref-protected";
import { forbiddenProjectAssignment } from "./policies/forbidden-project-assignment";
import { projectRunnerLocked } from "./policies/project-runner-locked";
import { registrationTokenFlow } from "./policies/registration-token-flow";
import { runnerDescriptionFormat } from "./policies/runner-description-format";
import { runnerMaximumTimeout } from "./policies/runner-maximum-timeout";
import { runnerUntaggedJobs } from "./policies/runner-untagged-jobs";
import { uniqueRunnerDescriptions } from "./policies/unique-runner-descriptions";

export { type ExemptionConfig, exemptNamesSpec } from "./define-policy";
export { POLICY_NAMES, POLICY_PACK_NAME } from "./names";
export * from "./policies/deploy-runner-ref-protected";
export * from "./policies/forbidden-project-assignment";
export * from "./policies/project-runner-locked";
export * from "./policies/registration-token-flow";
export * from "./policies/runner-description-format";
export * from "./policies/runner-maximum-timeout";
export * from "./policies/runner-untagged-jobs";
export * from "./policies/unique-runner-descriptions";
export { isType, PLUGIN_TYPES, PROJECT_RUNNER_ASSIGNMENT_TYPE, RUNNER_TYPE } from "./resource-types";

/** Every policy of the pack, in the order the previews list them. */
export const policies: Policies = [
  runnerUntaggedJobs,
  projectRunnerLocked,
  runnerMaximumTimeout,
  deployRunnerRefProtected,
  runnerDescriptionFormat,
  registrationTokenFlow,
  forbiddenProjectAssignment,
  uniqueRunnerDescriptions,
];

/** The default enforcement level of each policy (override per policy in the policy config). */
export const defaultEnforcementLevels: Readonly<Record<string, EnforcementLevel>> = Object.fromEntries(
  policies.map((p) => [p.name, p.enforcementLevel ?? "advisory"]),
);
