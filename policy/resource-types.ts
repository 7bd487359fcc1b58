/**
 * The type tokens the policies select resources by, compared as strings, from the resources'
 * descriptions (dependency-free modules: the pack never loads the provider). Each resource has
 * two: the dynamic resource's (`pulumi-nodejs:dynamic/gitlab:<Type>`, the sdk classes' static
 * `__pulumiType`) and the provider plugin's (`gitlab-runners:index:<Type>`, any language). They
 * have the same inputs under the same names, so every policy judges them alike.
 */
import { assignmentDescription } from "../provider/assignment/description";
import { runnerDescription } from "../provider/runner/description";

/** The type token of `gitlab.Runner` (its static `__pulumiType`). */
export const RUNNER_TYPE = runnerDescription.dynamicType;
/** The type token of `gitlab.ProjectRunnerAssignment` (its static `__pulumiType`). */
export const PROJECT_RUNNER_ASSIGNMENT_TYPE = assignmentDescription.dynamicType;

/** The plugin's token of each resource, by its dynamic token. */
export const PLUGIN_TYPES: Readonly<Record<string, string>> = {
  [RUNNER_TYPE]: runnerDescription.pluginType,
  [PROJECT_RUNNER_ASSIGNMENT_TYPE]: assignmentDescription.pluginType,
};

/** True when `type` is the resource `token` names, through either front door. */
export function isType(type: string, token: string): boolean {
  return type === token || type === PLUGIN_TYPES[token];
}
