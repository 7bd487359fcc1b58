/** The pack's name, as `PulumiPolicy.yaml`'s folder is published and shown in previews. */
export const POLICY_PACK_NAME = "gitlab-runner-guardrails";

/** The names of the policies: the keys of `--policy-pack-config`. */
export const POLICY_NAMES = {
  runnerUntaggedJobs: "runner-untagged-jobs",
  projectRunnerLocked: "project-runner-locked",
  runnerMaximumTimeout: "runner-maximum-timeout",
  deployRunnerRefProtected: "deploy-runner-ref-protected",
  runnerDescriptionFormat: "runner-description-format",
  registrationTokenFlow: "registration-token-flow",
  forbiddenProjectAssignment: "forbidden-project-assignment",
  uniqueRunnerDescriptions: "unique-runner-descriptions",
} as const;
