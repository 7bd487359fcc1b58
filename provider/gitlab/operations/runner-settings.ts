import type { AccessLevel } from "../schemas/runner";

/** Settings of a runner that can be given at creation and changed later. */
export interface RunnerSettings {
  /**
   * Free-text description. GitLab `description`.
   * @default "" (GitLab's default)
   */
  description?: string;
  /**
   * Take no jobs. GitLab `paused` (14.8+) or `active` (inverted, older servers); the client picks.
   * @default false
   */
  paused?: boolean;
  /**
   * Lock the runner to its current projects. GitLab `locked`.
   * @default false (GitLab's default for new runners)
   */
  locked?: boolean;
  /**
   * Pick jobs without tags. GitLab `run_untagged`; false requires at least one tag.
   * @default true
   */
  runUntagged?: boolean;
  /**
   * Tags; replaces the whole list on update. GitLab `tag_list`.
   * @default []
   */
  tagList?: readonly string[];
  /**
   * Whether to run only jobs on protected refs. GitLab `access_level`.
   * @default "not_protected"
   */
  accessLevel?: AccessLevel;
  /**
   * Job timeout ceiling in seconds, at least 600. GitLab `maximum_timeout`.
   * @default none
   */
  maximumTimeout?: number;
  /**
   * Note for other maintainers (≤ 1024 characters). GitLab `maintenance_note`
   * (`maintainer_note` before ≈15.0; ignored by 13.x).
   * @default none
   */
  maintenanceNote?: string;
}
