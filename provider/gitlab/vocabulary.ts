/**
 * GitLab's own words for runners, each defined once. Every layer that names these values (the
 * wire schemas, the resources' checks, the read functions, the sdk's types, the policy pack)
 * imports them from here. A module without dependencies, so the sdk and the policy pack can load
 * it without undici or zod.
 */

/**
 * A runner's scope: `runner_type` (`enum :runner_type` in `app/models/ci/runner.rb`). Set when the
 * runner is created; never changes afterwards except by GitLab 13.x converting an instance runner
 * that an administrator enables on a project.
 */
export const RUNNER_TYPES = ["instance_type", "group_type", "project_type"] as const;
/** One of {@link RUNNER_TYPES}. */
export type RunnerType = (typeof RUNNER_TYPES)[number];

/** Which refs a runner takes jobs for: `access_level` (`enum :access_level`, `app/models/ci/runner.rb`). */
export const ACCESS_LEVELS = ["not_protected", "ref_protected"] as const;
/** One of {@link ACCESS_LEVELS}. */
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/**
 * The `status` filter of the runner listings: `Ci::Runner::AVAILABLE_STATUSES` of modern GitLab,
 * plus 13.x's `not_connected` (renamed `never_contacted` in 15.0, gitlab-org/gitlab#347305;
 * `stale` arrived in 14.6, gitlab-org/gitlab#347303). The read functions translate between the
 * two names for the server they talk to.
 */
export const RUNNER_STATUSES = [
  "online",
  "offline",
  "never_contacted",
  "stale",
  "active",
  "paused",
  "not_connected",
] as const;
/** One of {@link RUNNER_STATUSES}. */
export type RunnerStatus = (typeof RUNNER_STATUSES)[number];

/** The job statuses `GET /runners/:id/jobs` filters on (`Ci::HasStatus::AVAILABLE_STATUSES`). */
export const JOB_STATUSES = [
  "created",
  "waiting_for_resource",
  "preparing",
  "pending",
  "running",
  "success",
  "failed",
  "canceling",
  "canceled",
  "skipped",
  "manual",
  "scheduled",
] as const;
/** One of {@link JOB_STATUSES}. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** `notProtected`, `Never-Contacted` → `not_protected`, `never_contacted`: for "did you mean" hints. */
export function snakeCase(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-\s]/g, "_")
    .toLowerCase();
}
