/**
 * The type tokens the policies select resources by, compared as strings: the pack does not
 * import the SDK, so it runs wherever @pulumi/policy does and never loads the provider. They are
 * the static `__pulumiType` of the SDK classes (`pulumi-nodejs:dynamic/<module>:<type>`, the
 * token the engine gives every `pulumi.dynamic.Resource`).
 */

/** The type token of `gitlab.Runner` (its static `__pulumiType`). */
export const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
/** The type token of `gitlab.ProjectRunnerAssignment` (its static `__pulumiType`). */
export const PROJECT_RUNNER_ASSIGNMENT_TYPE = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
