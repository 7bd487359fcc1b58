import { type ParamSpecs, PolicyConfigError } from "../config";
import { type ExemptionConfig, exemptNamesSpec, runnerPolicy } from "../define-policy";
import { POLICY_NAMES } from "../names";
import { UNKNOWN } from "../props";

/** Config of `runner-maximum-timeout`. */
export interface RunnerMaximumTimeoutConfig extends ExemptionConfig {
  /**
   * The smallest `maximumTimeout` allowed, in seconds (GitLab's own minimum is 600).
   *
   * @default 600
   */
  minSeconds: number;
  /**
   * The largest `maximumTimeout` allowed, in seconds.
   *
   * @default 86400 (one day)
   */
  maxSeconds: number;
  /**
   * Whether a runner must set `maximumTimeout`. Without one, a job may run as long as its
   * project's timeout allows.
   *
   * @default false
   */
  requireTimeout: boolean;
}

/** Parameters of `runner-maximum-timeout`, with their defaults. */
export const runnerMaximumTimeoutParams: ParamSpecs<RunnerMaximumTimeoutConfig> = {
  minSeconds: {
    kind: "number",
    default: 600,
    minimum: 0,
    description: "The smallest maximumTimeout allowed, in seconds.",
  },
  maxSeconds: {
    kind: "number",
    default: 86_400,
    minimum: 0,
    description: "The largest maximumTimeout allowed, in seconds.",
  },
  requireTimeout: {
    kind: "boolean",
    default: false,
    description: "Whether every runner must set maximumTimeout.",
  },
  ...exemptNamesSpec,
};

const name = POLICY_NAMES.runnerMaximumTimeout;

/** `maximumTimeout` within `[minSeconds, maxSeconds]`; a missing one only when `requireTimeout`. */
export const runnerMaximumTimeout = runnerPolicy({
  name,
  description: "A runner's maximumTimeout must be within the configured range.",
  enforcementLevel: "mandatory",
  params: runnerMaximumTimeoutParams,
  checkConfig({ minSeconds: min, maxSeconds: max }) {
    if (min > max) {
      throw new PolicyConfigError(name, `"minSeconds" (${min}) is greater than "maxSeconds" (${max}).`);
    }
  },
  validate(runner, config, reportViolation) {
    const { minSeconds: min, maxSeconds: max } = config;
    const timeout = runner.maximumTimeout;
    const example = Math.min(Math.max(3600, min), max);
    const fix = `Set maximumTimeout to a number of seconds from ${min} to ${max} (e.g. maximumTimeout: ${example}).`;
    if (timeout === UNKNOWN) return;
    if (timeout === undefined) {
      if (config.requireTimeout && !runner.adopted) {
        reportViolation(
          `maximumTimeout is not set, so a job may run as long as its project's timeout allows. ${fix}`,
        );
      }
      return;
    }
    if (timeout < min) {
      reportViolation(`maximumTimeout is ${timeout} seconds, below the minimum of ${min}. ${fix}`);
    } else if (timeout > max) {
      reportViolation(`maximumTimeout is ${timeout} seconds, above the maximum of ${max}. ${fix}`);
    }
  },
});
