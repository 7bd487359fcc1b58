/**
 * pulumi-gitlab-runners: manage GitLab runners as code.
 *
 * @packageDocumentation
 */

export type { ProjectRunnerAssignmentArgs } from "./project-runner-assignment";
export { ProjectRunnerAssignment } from "./project-runner-assignment";
export type { RunnerAccessLevel, RunnerArgs, RunnerGroup, RunnerProject, RunnerType } from "./runner";
export { Runner } from "./runner";
