import { compilePattern, type ParamSpecs } from "../config";
import { type ExemptionConfig, exemptNamesSpec, resourcePolicy } from "../define-policy";
import { POLICY_NAMES } from "../names";
import { type Props, readIdOrPath, readIdOrPathList, runnerFacts, UNKNOWN, type Unknown } from "../props";
import { isType, PROJECT_RUNNER_ASSIGNMENT_TYPE, RUNNER_TYPE } from "../resource-types";

/** Config of `forbidden-project-assignment`. */
export interface ForbiddenProjectAssignmentConfig extends ExemptionConfig {
  /**
   * JavaScript regular expressions matched case-insensitively against a project's full path
   * (`acme/api`) anywhere in it (anchor them: `^secure/`). Only a project given by path can be
   * matched; a project given by numeric id is checked against `projectIds` instead.
   *
   * @default [] (no project is forbidden)
   */
  projectPatterns: readonly string[];
  /**
   * Numeric project ids no runner may be assigned to.
   *
   * @default []
   */
  projectIds: readonly number[];
  /**
   * Whether a project runner (`runnerType: "project_type"`) whose `projectId` is forbidden is a
   * violation too: it is assigned to that project from the start.
   *
   * @default true
   */
  checkProjectRunners: boolean;
}

/** Parameters of `forbidden-project-assignment`, with their defaults. */
export const forbiddenProjectAssignmentParams: ParamSpecs<ForbiddenProjectAssignmentConfig> = {
  projectPatterns: {
    kind: "string[]",
    default: [],
    description:
      "Regular expressions matched case-insensitively against project paths (acme/api); no runner may be assigned to a matching project.",
  },
  projectIds: {
    kind: "number[]",
    default: [],
    description: "Numeric project ids no runner may be assigned to.",
  },
  checkProjectRunners: {
    kind: "boolean",
    default: true,
    description: "Whether project runners whose projectId is forbidden are violations too.",
  },
  ...exemptNamesSpec,
};

const name = POLICY_NAMES.forbiddenProjectAssignment;

/** Why a project is forbidden, or `undefined` when it is not (or cannot be known). */
function forbiddenReason(
  project: number | string | undefined | Unknown,
  config: ForbiddenProjectAssignmentConfig,
): string | undefined {
  if (project === undefined || project === UNKNOWN) return undefined;
  // A numeric id, or a numeric id given as a string ("42"): a full path always has a slash.
  const id = typeof project === "number" ? project : /^\d+$/.test(project) ? Number(project) : undefined;
  if (id !== undefined) {
    return config.projectIds.includes(id) ? `project ${id} is listed in projectIds` : undefined;
  }
  const path = String(project);
  for (const source of config.projectPatterns) {
    const pattern = compilePattern(name, "projectPatterns", source, "i");
    if (pattern.test(path))
      return `project ${JSON.stringify(path)} matches ${JSON.stringify(source)} in projectPatterns`;
  }
  return undefined;
}

/**
 * No `ProjectRunnerAssignment` to a forbidden project (by path pattern or numeric id), no
 * forbidden project in a Runner's `assignedProjects`, and, with `checkProjectRunners`, no
 * project runner created in one.
 */
export const forbiddenProjectAssignment = resourcePolicy({
  name,
  description: "Runners may not be assigned to the projects the policy config forbids.",
  enforcementLevel: "mandatory",
  params: forbiddenProjectAssignmentParams,
  types: [PROJECT_RUNNER_ASSIGNMENT_TYPE, RUNNER_TYPE],
  validate(args, config, reportViolation) {
    const allow = `or remove the project from the "${name}" policy config`;
    if (isType(args.type, PROJECT_RUNNER_ASSIGNMENT_TYPE)) {
      const reason = forbiddenReason(readIdOrPath(args.props as Props, "project"), config);
      if (reason === undefined) return;
      reportViolation(
        `Runners may not be assigned to this project: ${reason} of policy "${name}". ` +
          `Set project to a project that is not forbidden (project: "group/project" or its numeric id), ` +
          `remove this ProjectRunnerAssignment, ${allow}.`,
      );
      return;
    }
    // A Runner's assignedProjects are assignments too, whatever checkProjectRunners says.
    const listed = readIdOrPathList(args.props as Props, "assignedProjects");
    for (const project of listed === UNKNOWN ? [] : (listed ?? [])) {
      const reason = forbiddenReason(project, config);
      if (reason === undefined) continue;
      reportViolation(
        `Runners may not be assigned to this project: ${reason} of policy "${name}". ` +
          `Remove it from this runner's assignedProjects, ${allow}.`,
      );
    }
    if (!config.checkProjectRunners) return;
    const runner = runnerFacts(args.props as Props);
    if (runner.runnerType !== "project_type") return;
    const reason = forbiddenReason(runner.projectId, config);
    if (reason === undefined) return;
    reportViolation(
      `This project runner would be assigned to a forbidden project: ${reason} of policy "${name}". ` +
        `Set projectId to a project that is not forbidden, ${allow} ` +
        `(or set "checkProjectRunners": false there).`,
    );
  },
});
