import { apiError, forbidden, validationError } from "../http/errors";
import { paginate } from "../http/pagination";
import { PAGINATION_SPECS, type ParamSpec, validateParams } from "../http/params";
import {
  canDeleteRunner,
  canReadProject,
  canReadRunner,
  canReadRunnerJobs,
  canUpdateRunner,
  ownsRunner,
  projectAccess,
  REPORTER,
} from "../model/permissions";
import { validateRunner } from "../model/validate-runner";
import { jobStatusSchema } from "../state/fixture-schema";
import { registrationToken, runnerAuthToken } from "../state/tokens";
import type { RunnerRecord } from "../types";
import { type ApiResponse, currentUser, type RequestContext } from "./context";
import { jobEntity, managerEntity, projectEntity, runnerDetailsEntity, runnerEntity } from "./entities";
import {
  ACCESS_LEVELS,
  allScopes,
  applyRunnerAttributes,
  checkUnmodifiedSince,
  filterRunners,
  findRunner,
  listSpecs,
  RUNNER_ID_SPEC,
  statusValues,
} from "./shared";

/** User-authenticated endpoints under /runners (lib/api/ci/runners.rb, docs/gitlab-api.md §5–§6). */

function listResponse(
  ctx: RequestContext,
  runners: RunnerRecord[],
  params: Record<string, unknown>,
): ApiResponse {
  const page = paginate(ctx, runners, params);
  return { status: 200, body: page.items.map((r) => runnerEntity(ctx, r)), headers: page.headers };
}

/** GET /runners — runners the caller owns (docs/gitlab-api.md §5.1). */
export function listOwnedRunners(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { features, store } = ctx;
  const params = validateParams(ctx.params, {
    specs: listSpecs(features, features.legacy ? statusValues(features) : allScopes(features)),
  });
  if (typeof params.scope === "string" && !statusValues(features).includes(params.scope))
    throw apiError(400, "Scope contains invalid value");
  const owned = store.runnersSorted().filter((r) => ownsRunner(store, user, r));
  return listResponse(ctx, filterRunners(ctx, owned, params), params);
}

/** GET /runners/all — admin only (docs/gitlab-api.md §5.2). */
export function listAllRunners(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const params = validateParams(ctx.params, { specs: listSpecs(ctx.features, allScopes(ctx.features)) });
  if (!user.admin) throw forbidden();
  return listResponse(ctx, filterRunners(ctx, ctx.store.runnersSorted(), params), params);
}

/** GET /runners/:id (docs/gitlab-api.md §6.1). */
export function getRunner(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const specs: ParamSpec[] = [RUNNER_ID_SPEC];
  if (ctx.features.newest) specs.push({ name: "include_projects", type: "boolean", default: true });
  const params = validateParams(ctx.params, { specs });
  const runner = findRunner(ctx, params.id);
  if (!canReadRunner(ctx.store, user, runner)) throw forbidden("No access granted");
  return { status: 200, body: runnerDetailsEntity(ctx, runner, params.include_projects !== false) };
}

function updateSpecs(ctx: RequestContext): { specs: ParamSpec[]; names: string[] } {
  const { features } = ctx;
  const specs: ParamSpec[] = [
    { name: "description", type: "string" },
    { name: "active", type: "boolean" },
  ];
  if (features.paused) specs.push({ name: "paused", type: "boolean" });
  specs.push(
    { name: "tag_list", type: "tag_list" },
    { name: "run_untagged", type: "boolean" },
    { name: "locked", type: "boolean" },
    { name: "access_level", type: "string", values: ACCESS_LEVELS },
    { name: "maximum_timeout", type: "integer" },
  );
  if (features.maintenanceNote) specs.push({ name: "maintenance_note", type: "string" });
  return { specs, names: specs.map((s) => s.name) };
}

/** PUT /runners/:id (docs/gitlab-api.md §6.2). */
export function updateRunner(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { specs, names } = updateSpecs(ctx);
  const params = validateParams(ctx.params, {
    specs: [RUNNER_ID_SPEC, ...specs],
    atLeastOneOf: names,
    ...(ctx.features.paused ? { mutuallyExclusive: [["active", "paused"]] } : {}),
  });
  const runner = findRunner(ctx, params.id);
  if (!canUpdateRunner(ctx.store, user, runner)) throw forbidden("No access granted");
  const draft: RunnerRecord = { ...runner, tagList: [...runner.tagList] };
  const changed = applyRunnerAttributes(draft, params);
  const errors = validateRunner(draft, changed);
  if (Object.keys(errors).length > 0) throw validationError(errors);
  Object.assign(runner, draft, { updatedAt: new Date(ctx.now).toISOString() });
  // Newest GitLab renders RunnerDetails without include_projects on PUT (docs/gitlab-api.md §3.2).
  return { status: 200, body: runnerDetailsEntity(ctx, runner, !ctx.features.newest) };
}

/** DELETE /runners/:id (docs/gitlab-api.md §6.3). */
export function deleteRunner(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const params = validateParams(ctx.params, { specs: [RUNNER_ID_SPEC] });
  const runner = findRunner(ctx, params.id);
  if (!user.admin) {
    if (runner.projectIds.length > 1) throw forbidden("Runner associated with more than one project");
    if (!canDeleteRunner(ctx.store, user, runner)) throw forbidden("No access granted");
  }
  checkUnmodifiedSince(ctx, runner.updatedAt);
  ctx.store.deleteRunner(runner);
  return { status: 204 };
}

/** GET /runners/:id/jobs (docs/gitlab-api.md §6.4). */
export function listRunnerJobs(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { store } = ctx;
  const params = validateParams(ctx.params, {
    specs: [
      RUNNER_ID_SPEC,
      { name: "system_id", type: "string" },
      { name: "status", type: "string", values: jobStatusSchema.options },
      { name: "order_by", type: "string", values: ["id"] },
      { name: "sort", type: "string", values: ["asc", "desc"], default: "desc" },
      { name: "cursor", type: "string" },
      ...PAGINATION_SPECS,
    ],
  });
  const runner = findRunner(ctx, params.id);
  if (!canReadRunnerJobs(store, user, runner)) throw forbidden("No access granted");
  let managerId: number | null | undefined;
  if (typeof params.system_id === "string") {
    managerId = runner.managers.find((m) => m.systemId === params.system_id)?.id ?? null;
  }
  const jobs = store.jobs.filter((job) => {
    if (job.runnerId !== runner.id) return false;
    if (typeof params.status === "string" && job.status !== params.status) return false;
    if (managerId !== undefined && job.runnerManagerId !== managerId) return false;
    if (user.admin) return true;
    const project = store.projects.get(job.projectId);
    return project !== undefined && projectAccess(store, user, project) >= REPORTER;
  });
  const descending = params.order_by === "id" && params.sort !== "asc";
  jobs.sort((a, b) => (descending ? b.id - a.id : a.id - b.id));
  const page = paginate(ctx, jobs, params, { countable: managerId === undefined });
  return { status: 200, body: page.items.map((j) => jobEntity(ctx, j)), headers: page.headers };
}

/** GET /runners/:id/managers — not paginated (docs/gitlab-api.md §6.5). */
export function listRunnerManagers(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const params = validateParams(ctx.params, { specs: [RUNNER_ID_SPEC] });
  const runner = findRunner(ctx, params.id);
  if (!canReadRunner(ctx.store, user, runner)) throw forbidden("No access granted");
  return { status: 200, body: runner.managers.map((m) => managerEntity(ctx, runner, m)) };
}

/** GET /runners/:id/projects — newest only (docs/gitlab-api.md §5.5). */
export function listRunnerProjects(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { store } = ctx;
  const params = validateParams(ctx.params, { specs: [RUNNER_ID_SPEC, ...PAGINATION_SPECS] });
  const runner = findRunner(ctx, params.id);
  if (!canReadRunner(store, user, runner)) throw forbidden("No access granted");
  const projects = [...runner.projectIds]
    .sort((a, b) => a - b)
    .map((id) => store.projects.get(id))
    .filter((p) => p !== undefined && canReadProject(store, user, p));
  const page = paginate(ctx, projects, params);
  return {
    status: 200,
    body: page.items.map((p) => (p === undefined ? null : projectEntity(ctx, p))),
    headers: page.headers,
  };
}

/** POST /runners/:id/reset_authentication_token (docs/gitlab-api.md §6.6). */
export function resetRunnerToken(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const params = validateParams(ctx.params, { specs: [RUNNER_ID_SPEC] });
  const runner = findRunner(ctx, params.id);
  if (!canUpdateRunner(ctx.store, user, runner)) throw forbidden("No access granted");
  return { status: 201, body: rotateRunnerToken(ctx, runner) };
}

/** Gives the runner a new authentication token; the old one stops working at once. */
export function rotateRunnerToken(ctx: RequestContext, runner: RunnerRecord): Record<string, unknown> {
  const token = runnerAuthToken(
    runner.runnerType,
    runner.registrationType,
    ctx.features.tokenPartitionPrefix,
  );
  ctx.store.setRunnerToken(runner, token, ctx.store.runnerTokenExpiry(runner, ctx.now));
  runner.updatedAt = new Date(ctx.now).toISOString();
  return ctx.features.tokenExpiresAt ? { token, token_expires_at: runner.tokenExpiresAt } : { token };
}

/** POST /runners/reset_registration_token — admin (docs/gitlab-api.md §7.5). */
export function resetInstanceRegistrationToken(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  if (!user.admin || !ctx.store.registrationTokensAllowed) throw forbidden();
  const token = registrationToken();
  ctx.store.instanceRegistrationToken = token;
  return { status: 201, body: { token } };
}
