import { compilePattern, type ParamSpecs } from "../config";
import { type ExemptionConfig, exemptNamesSpec, runnerPolicy } from "../define-policy";
import { POLICY_NAMES } from "../names";
import { effective, UNKNOWN } from "../props";

/** Config of `deploy-runner-ref-protected`. */
export interface DeployRunnerRefProtectedConfig extends ExemptionConfig {
  /**
   * A JavaScript regular expression, matched case-insensitively against each tag anywhere in it
   * (anchor it with `^…$` to match whole tags). A runner with a matching tag must be
   * `accessLevel: "ref_protected"`.
   *
   * @default "deploy|prod"
   */
  tagPattern: string;
}

/** Parameters of `deploy-runner-ref-protected`, with their defaults. */
export const deployRunnerRefProtectedParams: ParamSpecs<DeployRunnerRefProtectedConfig> = {
  tagPattern: {
    kind: "string",
    default: "deploy|prod",
    description:
      "Regular expression matched case-insensitively against each tag; a runner with a matching tag must be ref_protected.",
  },
  ...exemptNamesSpec,
};

const name = POLICY_NAMES.deployRunnerRefProtected;
const tagPatternOf = (config: DeployRunnerRefProtectedConfig) =>
  compilePattern(name, "tagPattern", config.tagPattern, "i");

/** `["a", "b"]` as the user would write it in the program. */
function list(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
}

/** A runner with a tag matching `tagPattern` must be `ref_protected`. */
export const deployRunnerRefProtected = runnerPolicy({
  name,
  description:
    'Runners whose tags match the configured pattern (default "deploy|prod") must run jobs of protected refs only.',
  enforcementLevel: "mandatory",
  params: deployRunnerRefProtectedParams,
  checkConfig: tagPatternOf,
  validate(runner, config, reportViolation) {
    const pattern = tagPatternOf(config);
    const tags = effective(runner.tagList, [], runner.adopted);
    if (tags === UNKNOWN) return;
    const matching = tags.filter((tag): tag is string => tag !== UNKNOWN && pattern.test(tag));
    if (matching.length === 0) return;
    const accessLevel = effective(runner.accessLevel, "not_protected", runner.adopted);
    if (accessLevel === UNKNOWN || accessLevel === "ref_protected") return;
    reportViolation(
      `The runner's tags ${list(matching)} match the pattern ${JSON.stringify(config.tagPattern)} (runners that deploy), ` +
        `but accessLevel is ${JSON.stringify(accessLevel)}${runner.accessLevel === undefined ? " (the default)" : ""}, ` +
        `so jobs from unprotected branches could use it. Set accessLevel: "ref_protected".`,
    );
  },
});
