// The GitLab transport layer. Never imports @pulumi/* (docs/design.md "Layers").
export { GitLabClient } from "./client";
export {
  type AuthHeaderStyle,
  type ClientConfigSource,
  type GitLabClientConfig,
  loadClientConfig,
  normaliseBaseUrl,
} from "./config";
export { PLAN_LIMIT } from "./errors/from-request";
export {
  GITLAB_ERROR_CODES,
  GitLabError,
  type GitLabErrorCode,
  type GitLabMessage,
} from "./errors/gitlab-error";
export type { GitLabLogger } from "./logger";
export type { ListRunnersFilters, RunnerFilters } from "./operations/listing";
export type { RunnerSettings } from "./operations/runner-settings";
export type { CreateUserRunnerInput, RegisterRunnerInput } from "./operations/runner-tokens";
export type { RunnerChanges, RunnerJobFilters } from "./operations/runners";
export { CREATION_PARAMS, RUNNER_SETTING_PARAMS } from "./params";
export type { CurrentUser, Group, Project, ServerVersion } from "./schemas/meta";
export type {
  GroupRef,
  ProjectRef,
  ResetTokenResult,
  RunnerCredentials,
  RunnerDetails,
  RunnerJob,
  RunnerManager,
  RunnerSummary,
  VerifyResult,
} from "./schemas/runner";
export { closeSharedDispatchers } from "./transport/dispatcher";
export {
  ACCESS_LEVELS,
  type AccessLevel,
  JOB_STATUSES,
  type JobStatus,
  RUNNER_STATUSES,
  RUNNER_TYPES,
  type RunnerStatus,
  type RunnerType,
  snakeCase,
} from "./vocabulary";
