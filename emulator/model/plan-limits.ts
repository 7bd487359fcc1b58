import type { Store } from "../state/store";
import type { RunnerRecord } from "../types";
import type { VersionFeatures } from "../version";
import { isStale } from "./status";

/**
 * The plan limits on registered runners (docs/gitlab-api.md §13.1): `Ci::RunnerProject` and
 * `Ci::RunnerNamespace` include `Limitable` (app/models/concerns/limitable.rb) with
 * `limit_relation = :recent_runners`, so a new project or group link is refused when the
 * project or group already has `limit` runners that are not stale
 * (`PlanLimits#exceeded?`: `relation.offset(limit - 1).exists?`; a limit of 0 is no limit).
 * The error is added on `:base` of the link record, which the runner reports under the
 * nested attribute `runner_projects.base` or `runner_namespaces.base`.
 */

export interface PlanLimitTarget {
  /** A project the runner is being linked to (registration, creation or assignment). */
  projectId?: number;
  /** The group of a new group runner. */
  groupId?: number;
}

/** GitLab's message: `Maximum number of %{name} (%{count}) exceeded`, name humanized. */
export function planLimitMessage(
  limitName: "ci_registered_project_runners" | "ci_registered_group_runners",
  count: number,
): string {
  return `Maximum number of ${limitName.replaceAll("_", " ")} (${count}) exceeded`;
}

/** The model errors a new link would get, keyed as `render_validation_error!` shows them; {} when allowed. */
export function planLimitErrors(
  store: Store,
  features: VersionFeatures,
  now: number,
  target: PlanLimitTarget,
): Record<string, string[]> {
  if (!features.planLimits) return {};
  const recent = (r: RunnerRecord): boolean => !isStale(r, now, features);
  const errors: Record<string, string[]> = {};
  const projectLimit = store.planLimits.ciRegisteredProjectRunners;
  if (target.projectId !== undefined && projectLimit > 0) {
    const pid = target.projectId;
    let count = 0;
    for (const r of store.runners.values())
      if (r.runnerType === "project_type" && r.projectIds.includes(pid) && recent(r)) count++;
    if (count >= projectLimit)
      errors["runner_projects.base"] = [planLimitMessage("ci_registered_project_runners", projectLimit)];
  }
  const groupLimit = store.planLimits.ciRegisteredGroupRunners;
  if (target.groupId !== undefined && groupLimit > 0) {
    const gid = target.groupId;
    let count = 0;
    for (const r of store.runners.values())
      if (r.runnerType === "group_type" && r.groupId === gid && recent(r)) count++;
    if (count >= groupLimit)
      errors["runner_namespaces.base"] = [planLimitMessage("ci_registered_group_runners", groupLimit)];
  }
  return errors;
}
