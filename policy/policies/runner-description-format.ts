import { compilePattern, type ParamSpecs } from "../config";
import { type ExemptionConfig, exemptNamesSpec, runnerPolicy } from "../define-policy";
import { POLICY_NAMES } from "../names";
import { effective, UNKNOWN } from "../props";

/** Config of `runner-description-format`. */
export interface RunnerDescriptionFormatConfig extends ExemptionConfig {
  /**
   * A JavaScript regular expression, matched case-sensitively, that every runner's
   * `description` must match. The default asks for a lowercase name of letters, digits and
   * dashes (e.g. `build-docker`), optionally followed by a space and free text.
   *
   * @default "^[a-z0-9][a-z0-9-]*( .*)?$"
   */
  pattern: string;
  /**
   * The expected format in words, with an example; quoted in the violation message.
   *
   * @default 'a lowercase name of letters, digits and dashes, optionally followed by a space and free text, e.g. "build-docker Linux Docker builds"'
   */
  hint: string;
}

/** Parameters of `runner-description-format`, with their defaults. */
export const runnerDescriptionFormatParams: ParamSpecs<RunnerDescriptionFormatConfig> = {
  pattern: {
    kind: "string",
    default: "^[a-z0-9][a-z0-9-]*( .*)?$",
    description: "Regular expression (case-sensitive) that every runner description must match.",
  },
  hint: {
    kind: "string",
    default:
      'a lowercase name of letters, digits and dashes, optionally followed by a space and free text, e.g. "build-docker Linux Docker builds"',
    description: "The expected format in words, with an example; quoted in the violation message.",
  },
  ...exemptNamesSpec,
};

const patternOf = (config: RunnerDescriptionFormatConfig) =>
  compilePattern(POLICY_NAMES.runnerDescriptionFormat, "pattern", config.pattern, "");

/** `description` matches `pattern`; a new runner without a description has `""`. */
export const runnerDescriptionFormat = runnerPolicy({
  name: POLICY_NAMES.runnerDescriptionFormat,
  description: "A runner's description must match the configured pattern.",
  enforcementLevel: "mandatory",
  params: runnerDescriptionFormatParams,
  checkConfig: patternOf,
  validate(runner, config, reportViolation) {
    const description = effective(runner.description, "", runner.adopted);
    if (description === UNKNOWN || patternOf(config).test(description)) return;
    const what =
      runner.description === undefined
        ? "description is not set"
        : `description ${JSON.stringify(description)} does not match the pattern ${JSON.stringify(config.pattern)}`;
    reportViolation(`${what}. Set description to ${config.hint}.`);
  },
});
