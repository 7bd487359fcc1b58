/**
 * pulumi-gitlab-runners: manage GitLab runners as code.
 *
 * @packageDocumentation
 */

export type { RunnerAccessLevel, RunnerArgs, RunnerGroup, RunnerProject, RunnerType } from "./runner";
export { Runner } from "./runner";
