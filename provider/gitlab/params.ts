/**
 * GitLab's parameter names for a runner's fields, by the names the program gives them. A module
 * without dependencies, so the resource descriptions (which the sdk and the policy pack read)
 * can name GitLab's parameters without loading the transport.
 */
import type { RunnerSettings } from "./operations/runner-settings";

/**
 * GitLab's parameters that say how a runner comes to exist (`POST /runners` in
 * `lib/api/ci/runners.rb`, `POST /user/runners` in `lib/api/user_runners.rb`), by the name the
 * program gives them.
 */
export const CREATION_PARAMS = {
  registrationToken: "token",
  runnerType: "runner_type",
  groupId: "group_id",
  projectId: "project_id",
} as const;

/**
 * GitLab's parameter for each setting, as `PUT /runners/:id`, `POST /runners` and
 * `POST /user/runners` name it (`lib/api/ci/runners.rb`, `lib/api/user_runners.rb`), before the
 * per-version renames that `settingsParams` (operations/runner-settings.ts) applies.
 */
export const RUNNER_SETTING_PARAMS = {
  description: "description",
  paused: "paused",
  locked: "locked",
  runUntagged: "run_untagged",
  tagList: "tag_list",
  accessLevel: "access_level",
  maximumTimeout: "maximum_timeout",
  maintenanceNote: "maintenance_note",
} as const satisfies Record<keyof RunnerSettings, string>;
