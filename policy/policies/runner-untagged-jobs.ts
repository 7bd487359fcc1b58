import type { RunnerType } from "../../provider/gitlab/vocabulary";
import type { ParamSpecs } from "../config";
import { type ExemptionConfig, exemptNamesSpec, runnerPolicy } from "../define-policy";
import { POLICY_NAMES } from "../names";
import { effective, UNKNOWN } from "../props";

/** Config of `runner-untagged-jobs`. */
export interface RunnerUntaggedJobsConfig extends ExemptionConfig {
  /**
   * Whether instance and group runners (`runnerType: "instance_type" | "group_type"`) may run
   * untagged jobs. Project runners always may.
   *
   * @default false
   */
  allowUntaggedSharedRunners: boolean;
}

/** Parameters of `runner-untagged-jobs`, with their defaults. */
export const runnerUntaggedJobsParams: ParamSpecs<RunnerUntaggedJobsConfig> = {
  allowUntaggedSharedRunners: {
    kind: "boolean",
    default: false,
    description: "Whether instance and group runners may run untagged jobs.",
  },
  ...exemptNamesSpec,
};

const SCOPE_LABEL: Readonly<Record<RunnerType, string>> = {
  instance_type: "instance",
  group_type: "group",
  project_type: "project",
};

/**
 * A runner that does not run untagged jobs must have tags (otherwise no job can reach it), and
 * instance and group runners may not run untagged jobs unless `allowUntaggedSharedRunners`.
 * The second check needs `runnerType`: registration-token and adopted runners are not judged
 * by it.
 */
export const runnerUntaggedJobs = runnerPolicy({
  name: POLICY_NAMES.runnerUntaggedJobs,
  description:
    "Runners that do not run untagged jobs must have tags; instance and group runners may not run untagged jobs unless allowed.",
  enforcementLevel: "mandatory",
  params: runnerUntaggedJobsParams,
  validate(runner, config, reportViolation) {
    const runUntagged = effective(runner.runUntagged, true, runner.adopted);
    const tags = effective(runner.tagList, [], runner.adopted);

    if (runUntagged === false && tags !== UNKNOWN && tags.length === 0) {
      reportViolation(
        `runUntagged is false and the runner has no tags (tagList ${runner.tagList === undefined ? "is not set" : "is []"}), ` +
          `so no job can ever run on it. Give it the tags its jobs ask for (e.g. tagList: ["docker"]) ` +
          `or set runUntagged: true.`,
      );
    }

    const type = runner.runnerType;
    if (
      !config.allowUntaggedSharedRunners &&
      (type === "instance_type" || type === "group_type") &&
      runUntagged === true
    ) {
      reportViolation(
        `This ${SCOPE_LABEL[type]} runner (runnerType: "${type}") runs untagged jobs` +
          `${runner.runUntagged === undefined ? " (runUntagged defaults to true)" : ""}, ` +
          `so every project it serves can send it any job. Set runUntagged: false and give it tags ` +
          `(e.g. tagList: ["docker"]); to allow this, set "allowUntaggedSharedRunners": true for ` +
          `"${POLICY_NAMES.runnerUntaggedJobs}" in the policy config.`,
      );
    }
  },
});
