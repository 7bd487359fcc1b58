/**
 * pulumi-gitlab-runners: manage GitLab runners as code.
 *
 * @packageDocumentation
 */

export type {
  GetRunnerArgs,
  InputArgs,
  JobStatusFilter,
  ListGroupRunnersArgs,
  ListProjectRunnersArgs,
  ListRunnerJobsArgs,
  ListRunnerManagersArgs,
  ListRunnersArgs,
  RunnerDetails,
  RunnerJob,
  RunnerListFilters,
  RunnerManager,
  RunnerStatusFilter,
  RunnerSummary,
  VerifyRunnerTokenArgs,
  VerifyRunnerTokenResult,
} from "./functions";
export {
  getRunner,
  getRunnerOutput,
  listGroupRunners,
  listGroupRunnersOutput,
  listProjectRunners,
  listProjectRunnersOutput,
  listRunnerJobs,
  listRunnerJobsOutput,
  listRunnerManagers,
  listRunnerManagersOutput,
  listRunners,
  listRunnersOutput,
  verifyRunnerToken,
  verifyRunnerTokenOutput,
} from "./functions";
export type { ProjectRunnerAssignmentArgs } from "./project-runner-assignment";
export { ProjectRunnerAssignment } from "./project-runner-assignment";
export type { RunnerAccessLevel, RunnerArgs, RunnerGroup, RunnerProject, RunnerType } from "./runner";
export { Runner } from "./runner";
