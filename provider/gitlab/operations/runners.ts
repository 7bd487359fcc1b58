import { GitLabError } from "../errors/gitlab-error";
import {
  type ProjectRef,
  projectRefSchema,
  type ResetTokenResult,
  type RunnerDetails,
  type RunnerJob,
  type RunnerManager,
  resetTokenSchema,
  runnerDetailsSchema,
  runnerJobSchema,
  runnerManagerSchema,
} from "../schemas/runner";
import { call, callList, callVoid, invalidArgument, type OperationContext, runnerIdSegment } from "./context";
import { type RunnerSettings, settingsNeedVersion, settingsParams } from "./runner-settings";

/** Changes for `PUT /runners/:id`; only the fields given are sent. */
export interface RunnerChanges extends Omit<RunnerSettings, "maximumTimeout"> {
  /**
   * Job timeout ceiling in seconds (≥ 600), or null to clear it. GitLab `maximum_timeout`.
   * @default unchanged
   */
  maximumTimeout?: number | null;
}

/** `GET /runners/:id`. A 404 is a `GitLabError` with code `not_found`. */
export function getRunner(ctx: OperationContext, id: number): Promise<RunnerDetails> {
  const template = "/runners/:id";
  return call(
    ctx,
    { method: "GET", template, path: `/runners/${runnerIdSegment(id, "GET", template)}` },
    runnerDetailsSchema,
  );
}

/**
 * `PUT /runners/:id`. Sends only the given fields; `paused` goes out as `active` on servers
 * older than 14.8, never both (docs/design.md decision 7).
 */
export async function updateRunner(
  ctx: OperationContext,
  id: number,
  changes: RunnerChanges,
): Promise<RunnerDetails> {
  const template = "/runners/:id";
  const path = `/runners/${runnerIdSegment(id, "PUT", template)}`;
  const version = settingsNeedVersion(changes) ? await ctx.serverVersion() : undefined;
  const body = settingsParams(changes, version);
  if (Object.keys(body).length === 0)
    throw invalidArgument("PUT", template, "no changes given; pass at least one setting");
  return call(ctx, { method: "PUT", template, path, body }, runnerDetailsSchema);
}

/** `DELETE /runners/:id`. A 404 throws `not_found`; callers deleting treat it as done. */
export function deleteRunner(ctx: OperationContext, id: number): Promise<void> {
  const template = "/runners/:id";
  return callVoid(ctx, {
    method: "DELETE",
    template,
    path: `/runners/${runnerIdSegment(id, "DELETE", template)}`,
  });
}

/**
 * `POST /runners/:id/reset_authentication_token` with the user token. Not retried once sent:
 * the old token stops working the moment GitLab acts.
 */
export async function resetRunnerToken(ctx: OperationContext, id: number): Promise<ResetTokenResult> {
  const template = "/runners/:id/reset_authentication_token";
  const result = await call(
    ctx,
    {
      method: "POST",
      template,
      path: `/runners/${runnerIdSegment(id, "POST", template)}/reset_authentication_token`,
    },
    resetTokenSchema,
  );
  ctx.redactor.add(result.token);
  return result;
}

/** Filters of `GET /runners/:id/jobs`. */
export interface RunnerJobFilters {
  /**
   * Only jobs in this state (`running`, `success`, `failed`, …). GitLab `status`.
   * @default all
   */
  status?: string;
  /**
   * Order by `id`. GitLab `order_by`.
   * @default GitLab's order (ascending id)
   */
  orderBy?: "id";
  /**
   * Sort direction with `orderBy`. GitLab `sort`.
   * @default "desc"
   */
  sort?: "asc" | "desc";
}

/** `GET /runners/:id/jobs`, every page. */
export function listRunnerJobs(
  ctx: OperationContext,
  id: number,
  filters: RunnerJobFilters = {},
): Promise<RunnerJob[]> {
  const template = "/runners/:id/jobs";
  return callList(
    ctx,
    {
      method: "GET",
      template,
      path: `/runners/${runnerIdSegment(id, "GET", template)}/jobs`,
      query: { status: filters.status, order_by: filters.orderBy, sort: filters.sort },
    },
    runnerJobSchema,
  );
}

/**
 * `GET /runners/:id/managers` (GitLab 15.11+; not paginated). On older GitLab the route does
 * not exist and this throws `unsupported`.
 */
export async function listRunnerManagers(ctx: OperationContext, id: number): Promise<RunnerManager[]> {
  const template = "/runners/:id/managers";
  return callList(
    ctx,
    { method: "GET", template, path: `/runners/${runnerIdSegment(id, "GET", template)}/managers` },
    runnerManagerSchema,
  );
}

/**
 * The projects a runner is assigned to: `GET /runners/:id/projects` on the newest GitLab,
 * otherwise the `projects` of `GET /runners/:id` (older servers lack the route).
 */
export async function listRunnerProjects(ctx: OperationContext, id: number): Promise<ProjectRef[]> {
  const template = "/runners/:id/projects";
  const path = `/runners/${runnerIdSegment(id, "GET", template)}/projects`;
  try {
    return await callList(ctx, { method: "GET", template, path }, projectRefSchema);
  } catch (error) {
    if (!(GitLabError.is(error) && error.code === "unsupported")) throw error;
    ctx.logger.debug(
      `GET ${template} is not available on this GitLab; reading the runner's projects from GET /runners/:id`,
    );
  }
  const details = await getRunner(ctx, id);
  return details.projects ?? [];
}
