import { ROLE_LEVEL, type Store } from "../state/store";
import type { GroupRecord, ProjectRecord, RunnerRecord, UserRecord } from "../types";

/**
 * The permission matrix of docs/gitlab-api.md §4 (app/policies/ci/runner_policy.rb and friends).
 * Access levels are inherited down the group tree, as GitLab's memberships are.
 */

const MAINTAINER = ROLE_LEVEL.maintainer;
const OWNER = ROLE_LEVEL.owner;
export const REPORTER = ROLE_LEVEL.reporter;

export function groupAccess(store: Store, user: UserRecord, group: GroupRecord): number {
  let level = 0;
  for (const g of store.groupChain(group.id)) {
    for (const m of g.members) if (m.userId === user.id) level = Math.max(level, ROLE_LEVEL[m.role]);
  }
  return level;
}

export function projectAccess(store: Store, user: UserRecord, project: ProjectRecord): number {
  let level = 0;
  for (const m of project.members) if (m.userId === user.id) level = Math.max(level, ROLE_LEVEL[m.role]);
  const ns = store.groups.get(project.namespaceId);
  if (ns !== undefined) level = Math.max(level, groupAccess(store, user, ns));
  return level;
}

export function canReadProject(store: Store, user: UserRecord, project: ProjectRecord): boolean {
  return user.admin || project.visibility !== "private" || projectAccess(store, user, project) > 0;
}

/** A group is visible to its members, to members of anything inside it, and when not private. */
export function canReadGroup(store: Store, user: UserRecord, group: GroupRecord): boolean {
  if (user.admin || group.visibility !== "private" || groupAccess(store, user, group) > 0) return true;
  for (const g of store.groups.values())
    if (store.isInGroupTree(g.id, group.id) && g.members.some((m) => m.userId === user.id)) return true;
  for (const p of store.projects.values())
    if (store.isInGroupTree(p.namespaceId, group.id) && p.members.some((m) => m.userId === user.id))
      return true;
  return false;
}

function maintainsAnyProject(store: Store, user: UserRecord, runner: RunnerRecord): boolean {
  for (const pid of runner.projectIds) {
    const project = store.projects.get(pid);
    if (project !== undefined && projectAccess(store, user, project) >= MAINTAINER) return true;
  }
  return false;
}

function maintainsGroupProject(store: Store, user: UserRecord, groupId: number): boolean {
  for (const p of store.projects.values()) {
    if (p.groupRunnersEnabled && store.isInGroupTree(p.namespaceId, groupId)) {
      if (projectAccess(store, user, p) >= MAINTAINER) return true;
    }
  }
  return false;
}

function runnerGroup(store: Store, runner: RunnerRecord): GroupRecord | undefined {
  return runner.groupId === null ? undefined : store.groups.get(runner.groupId);
}

/** `read_runner`: GET /runners/:id and managers. */
export function canReadRunner(store: Store, user: UserRecord, runner: RunnerRecord): boolean {
  if (user.admin || runner.runnerType === "instance_type") return true;
  if (runner.runnerType === "group_type") {
    const group = runnerGroup(store, runner);
    if (group === undefined) return false;
    return groupAccess(store, user, group) >= MAINTAINER || maintainsGroupProject(store, user, group.id);
  }
  return maintainsAnyProject(store, user, runner);
}

/** `update_runner` (also reset token and seeing `maintenance_note`). */
export function canUpdateRunner(store: Store, user: UserRecord, runner: RunnerRecord): boolean {
  if (user.admin) return true;
  if (runner.runnerType === "instance_type") return false;
  if (runner.runnerType === "group_type") {
    const group = runnerGroup(store, runner);
    return group !== undefined && groupAccess(store, user, group) >= OWNER;
  }
  if (runner.projectIds.length >= 2) return maintainsAnyProject(store, user, runner);
  const owner = runner.ownerProjectId === null ? undefined : store.projects.get(runner.ownerProjectId);
  return owner !== undefined && projectAccess(store, user, owner) >= MAINTAINER;
}

/** `delete_runner`: project runners only while they have exactly one project. */
export function canDeleteRunner(store: Store, user: UserRecord, runner: RunnerRecord): boolean {
  if (user.admin) return true;
  if (runner.runnerType === "project_type")
    return runner.projectIds.length === 1 && canUpdateRunner(store, user, runner);
  return canUpdateRunner(store, user, runner);
}

/** `read_builds` on the runner: GET /runners/:id/jobs. */
export function canReadRunnerJobs(store: Store, user: UserRecord, runner: RunnerRecord): boolean {
  if (user.admin) return true;
  if (runner.runnerType === "instance_type") return false;
  if (runner.runnerType === "group_type") {
    const group = runnerGroup(store, runner);
    return group !== undefined && groupAccess(store, user, group) >= MAINTAINER;
  }
  return maintainsAnyProject(store, user, runner);
}

/** `assign_runner` for non-admins: update-like rights on an unlocked project runner. */
export function canAssignRunner(store: Store, user: UserRecord, runner: RunnerRecord): boolean {
  if (user.admin) return true;
  if (runner.runnerType !== "project_type") return false;
  return canUpdateRunner(store, user, runner) || maintainsAnyProject(store, user, runner);
}

/** `ci_owned_runners`: runners of projects the user maintains and groups the user owns. */
export function ownsRunner(store: Store, user: UserRecord, runner: RunnerRecord): boolean {
  if (runner.runnerType === "instance_type") return false;
  if (runner.runnerType === "group_type") {
    const group = runnerGroup(store, runner);
    return group !== undefined && groupAccess(store, user, group) >= OWNER;
  }
  return maintainsAnyProject(store, user, runner);
}

export function isMaintainerOf(store: Store, user: UserRecord, project: ProjectRecord): boolean {
  return user.admin || projectAccess(store, user, project) >= MAINTAINER;
}

export function isOwnerOf(store: Store, user: UserRecord, group: GroupRecord): boolean {
  return user.admin || groupAccess(store, user, group) >= OWNER;
}
