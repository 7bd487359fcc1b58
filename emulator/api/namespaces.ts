import { ApiError, forbidden, notFound } from "../http/errors";
import { paginate } from "../http/pagination";
import { coerceBoolean, validateParams } from "../http/params";
import {
  canAssignRunner,
  canReadGroup,
  canReadProject,
  isMaintainerOf,
  isOwnerOf,
} from "../model/permissions";
import { planLimitErrors } from "../model/plan-limits";
import { humanizeAttribute } from "../model/validate-runner";
import { registrationToken } from "../state/tokens";
import type { GroupRecord, ProjectRecord, RunnerRecord } from "../types";
import { type ApiResponse, currentUser, type RequestContext } from "./context";
import { namespaceEntity, projectEntity, runnerEntity } from "./entities";
import { allScopes, checkUnmodifiedSince, filterRunners, findRunner, listSpecs } from "./shared";

/**
 * /projects/:id/runners… and /groups/:id/runners… (docs/gitlab-api.md §5.3, §5.4, §7.5, §8). The
 * project or group and the caller's role on it are checked in a `before` block, so before
 * parameter validation.
 */

function lookupProject(ctx: RequestContext): ProjectRecord {
  const user = currentUser(ctx);
  const project = ctx.store.findProject(ctx.pathParams.id ?? "");
  if (project === undefined || !canReadProject(ctx.store, user, project)) throw notFound("Project");
  return project;
}

function lookupGroup(ctx: RequestContext): GroupRecord {
  const user = currentUser(ctx);
  const group = ctx.store.findGroup(ctx.pathParams.id ?? "");
  if (group === undefined || !canReadGroup(ctx.store, user, group)) throw notFound("Group");
  return group;
}

/** `read_runners` / `admin_project_runners`: Maintainer+ (Developer → 403). */
function maintainedProject(ctx: RequestContext): ProjectRecord {
  const project = lookupProject(ctx);
  if (!isMaintainerOf(ctx.store, currentUser(ctx), project)) throw forbidden();
  return project;
}

/** Runners a project can use: its own, its groups' (if enabled) and instance runners (if enabled). */
function runnersAvailableToProject(ctx: RequestContext, project: ProjectRecord): RunnerRecord[] {
  const { store } = ctx;
  const chain = new Set(store.groupChain(project.namespaceId).map((g) => g.id));
  return store.runnersSorted().filter((r) => {
    if (r.runnerType === "project_type") return r.projectIds.includes(project.id);
    if (r.runnerType === "group_type")
      return project.groupRunnersEnabled && r.groupId !== null && chain.has(r.groupId);
    return project.sharedRunnersEnabled;
  });
}

/** GET /projects/:id/runners (docs/gitlab-api.md §5.3). */
export function listProjectRunners(ctx: RequestContext): ApiResponse {
  const project = maintainedProject(ctx);
  const params = validateParams(ctx.params, { specs: listSpecs(ctx.features, allScopes(ctx.features)) });
  const runners = filterRunners(ctx, runnersAvailableToProject(ctx, project), params);
  const page = paginate(ctx, runners, params);
  return { status: 200, body: page.items.map((r) => runnerEntity(ctx, r)), headers: page.headers };
}

/** POST /projects/:id/runners — assign ("enable") a runner (docs/gitlab-api.md §8.1, in its check order). */
export function assignRunner(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { features, store } = ctx;
  const project = maintainedProject(ctx);
  const params = validateParams(ctx.params, {
    specs: [{ name: "runner_id", type: "integer", required: true }],
  });
  // `authorize! :create_runners, user_project`: prevented for non-admins when
  // `valid_runner_registrars` leaves out projects (docs/gitlab-api.md §13.2).
  if (!user.admin && features.runnerRegistrars && !store.validRunnerRegistrars.includes("project"))
    throw forbidden();
  const runner = findRunner(ctx, params.runner_id);
  if (runner.runnerType === "group_type") throw forbidden("Runner is a group runner");
  if (!user.admin) {
    if (runner.locked) throw forbidden("Runner is locked");
    if (!canAssignRunner(store, user, runner)) throw forbidden("No access granted");
  }
  // 13.x silently turned an instance runner into a project runner; modern `assign_to` raises first.
  if (runner.runnerType === "instance_type" && !features.legacy)
    throw new ApiError(400, {
      message: "Transitioning an instance runner to a project runner is not supported - runner_error",
    });
  // The new Ci::RunnerProject's validations, in declaration order: the plan limit (Limitable is
  // included first), then uniqueness of (runner, project). `assign_to` turns the
  // RecordInvalid into an `assign_to` error (docs/gitlab-api.md §8.1, §13.1).
  const failures = Object.entries(
    planLimitErrors(store, features, ctx.now, { projectId: project.id }),
  ).flatMap(([attr, messages]) => messages.map((m) => `${humanizeAttribute(attr)} ${m}`));
  if (runner.projectIds.includes(project.id)) failures.push("Runner projects runner has already been taken");
  if (failures.length > 0) {
    const invalid = `Validation failed: ${failures.join(", ")}`;
    if (features.legacy) throw new ApiError(400, { message: { assign_to: [invalid] } });
    throw new ApiError(400, { message: `Assign to ${invalid} - runner_error` });
  }
  if (runner.runnerType === "instance_type") {
    runner.runnerType = "project_type";
    runner.ownerProjectId = project.id;
  }
  runner.projectIds.push(project.id);
  runner.updatedAt = new Date(ctx.now).toISOString();
  return { status: 201, body: runnerEntity(ctx, runner) };
}

/** DELETE /projects/:id/runners/:runner_id — unassign ("disable") (docs/gitlab-api.md §8.2). */
export function unassignRunner(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { features, store } = ctx;
  const project = maintainedProject(ctx);
  const params = validateParams(ctx.params, {
    specs: [{ name: "runner_id", type: "integer", required: true }],
  });
  const runner = typeof params.runner_id === "number" ? store.runners.get(params.runner_id) : undefined;
  if (runner === undefined || !runner.projectIds.includes(project.id)) throw notFound("Runner");
  if (features.newest) {
    const isOwnerProject = runner.ownerProjectId === project.id;
    if (user.admin) {
      if (isOwnerProject)
        throw forbidden("You cannot unassign a runner from the owner project. Delete the runner instead");
    } else {
      if (runner.locked) throw forbidden("Runner is locked");
      if (isOwnerProject) throw forbidden("No access granted");
    }
  } else if (runner.projectIds.length === 1) {
    throw forbidden("Only one project associated with the runner. Please remove the runner instead");
  }
  checkUnmodifiedSince(ctx, runner.updatedAt);
  runner.projectIds = runner.projectIds.filter((id) => id !== project.id);
  // The owner falls back to the earliest remaining project (docs/gitlab-api.md §2 "Ownership").
  if (runner.ownerProjectId === project.id) runner.ownerProjectId = runner.projectIds[0] ?? null;
  runner.updatedAt = new Date(ctx.now).toISOString();
  return { status: 204 };
}

/** POST /projects/:id/runners/reset_registration_token (docs/gitlab-api.md §7.5). */
export function resetProjectRegistrationToken(ctx: RequestContext): ApiResponse {
  const project = maintainedProject(ctx);
  const root = ctx.store.rootGroup(project.namespaceId);
  if (!ctx.store.registrationTokensAllowed || root?.allowRunnerRegistrationToken === false) throw forbidden();
  project.runnersToken = registrationToken();
  return { status: 201, body: { token: project.runnersToken } };
}

/** GET /groups/:id/runners — Owner (docs/gitlab-api.md §5.4). */
export function listGroupRunners(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { features, store } = ctx;
  const group = lookupGroup(ctx);
  if (!isOwnerOf(store, user, group)) throw forbidden();
  const params = validateParams(ctx.params, { specs: listSpecs(features, null) });
  const chain = new Set(store.groupChain(group.id).map((g) => g.id));
  // 13.x returned only the group's own runners (self and ancestors), no instance runners.
  const available = store
    .runnersSorted()
    .filter((r) =>
      r.runnerType === "group_type"
        ? r.groupId !== null && chain.has(r.groupId)
        : r.runnerType === "instance_type" && !features.legacy && group.sharedRunnersEnabled,
    );
  const runners = filterRunners(ctx, available, params);
  const page = paginate(ctx, runners, params);
  return { status: 200, body: page.items.map((r) => runnerEntity(ctx, r)), headers: page.headers };
}

/** POST /groups/:id/runners/reset_registration_token (docs/gitlab-api.md §7.5). */
export function resetGroupRegistrationToken(ctx: RequestContext): ApiResponse {
  const group = lookupGroup(ctx);
  if (!isOwnerOf(ctx.store, currentUser(ctx), group)) throw forbidden();
  const root = ctx.store.rootGroup(group.id);
  if (!ctx.store.registrationTokensAllowed || root?.allowRunnerRegistrationToken === false) throw forbidden();
  group.runnersToken = registrationToken();
  return { status: 201, body: { token: group.runnersToken } };
}

/** GET /projects/:id — any role that can see the project (used to resolve full paths). */
export function getProject(ctx: RequestContext): ApiResponse {
  const project = lookupProject(ctx);
  const user = currentUser(ctx);
  const body: Record<string, unknown> = {
    ...projectEntity(ctx, project),
    visibility: project.visibility,
    archived: false,
    empty_repo: false,
    shared_runners_enabled: project.sharedRunnersEnabled,
    group_runners_enabled: project.groupRunnersEnabled,
    creator_id: 1,
  };
  // `runners_token` is only exposed to those who may administer the project's runners.
  if (isMaintainerOf(ctx.store, user, project) && ctx.store.registrationTokensAllowed)
    body.runners_token = project.runnersToken;
  return { status: 200, body };
}

/** GET /groups/:id — any member or viewer of the group (used to resolve full paths). */
export function getGroup(ctx: RequestContext): ApiResponse {
  const { store } = ctx;
  const group = lookupGroup(ctx);
  const user = currentUser(ctx);
  const ns = namespaceEntity(ctx, group);
  const body: Record<string, unknown> = {
    id: group.id,
    web_url: ns.web_url,
    name: group.name,
    path: group.path,
    description: "",
    visibility: group.visibility,
    full_name: store.groupFullName(group),
    full_path: ns.full_path,
    created_at: group.createdAt,
    parent_id: group.parentId,
    shared_runners_setting: group.sharedRunnersEnabled ? "enabled" : "disabled_and_unoverridable",
  };
  if (isOwnerOf(store, user, group) && store.registrationTokensAllowed)
    body.runners_token = group.runnersToken;
  // `with_projects` defaults to true (deprecated): the group's own projects are embedded.
  if (coerceBoolean(ctx.params.with_projects) !== false) {
    body.projects = [...store.projects.values()]
      .filter((p) => p.namespaceId === group.id && canReadProject(store, user, p))
      .map((p) => projectEntity(ctx, p));
    body.shared_projects = [];
  }
  return { status: 200, body };
}
