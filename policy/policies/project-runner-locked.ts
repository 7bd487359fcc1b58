import type { ParamSpecs } from "../config";
import { type ExemptionConfig, exemptNamesSpec, runnerPolicy } from "../define-policy";
import { POLICY_NAMES } from "../names";
import { effective } from "../props";

/** Config of `project-runner-locked`: only the exemptions. */
export type ProjectRunnerLockedConfig = ExemptionConfig;

/** Parameters of `project-runner-locked`, with their defaults. */
export const projectRunnerLockedParams: ParamSpecs<ProjectRunnerLockedConfig> = { ...exemptNamesSpec };

/**
 * A project runner must be `locked`, so that nobody can enable it in other projects. Only
 * runners created with `runnerType: "project_type"` are known to be project runners.
 */
export const projectRunnerLocked = runnerPolicy({
  name: POLICY_NAMES.projectRunnerLocked,
  description: "Project runners must be locked to their project.",
  enforcementLevel: "mandatory",
  params: projectRunnerLockedParams,
  validate(runner, _config, reportViolation) {
    if (runner.runnerType !== "project_type") return;
    const locked = effective(runner.locked, false, runner.adopted);
    if (locked === false) {
      reportViolation(
        `Project runners must be locked to their project` +
          `${runner.locked === undefined ? " (locked defaults to false)" : ""}, so that no one can ` +
          `enable them in other projects. Set locked: true.`,
      );
    }
  },
});
