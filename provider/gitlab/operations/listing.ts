import { type RunnerSummary, runnerSummarySchema } from "../schemas/runner";
import type { RunnerType } from "../vocabulary";
import { callList, invalidArgument, namespaceSegment, type OperationContext } from "./context";

/** Filters shared by the runner listings. All are ANDed by GitLab. */
export interface RunnerFilters {
  /**
   * Only runners of this type. GitLab `type`.
   * @default all types
   */
  type?: RunnerType;
  /**
   * Only runners with this status (`online`, `offline`, `never_contacted`, `stale`; 13.x
   * `not_connected`). GitLab `status`.
   * @default any status
   */
  status?: string;
  /**
   * Only paused (true) or active (false) runners. GitLab `paused` (14.8+); on older servers the
   * client filters the list itself, because they silently ignore the parameter.
   * @default both
   */
  paused?: boolean;
  /**
   * Only runners carrying all of these tags. GitLab `tag_list`.
   * @default no tag filter
   */
  tagList?: readonly string[];
  /**
   * Only runners with a manager whose version starts with this (e.g. `17.`). GitLab
   * `version_prefix`; not on 13.x.
   * @default no version filter
   */
  versionPrefix?: string;
}

/** Filters of {@link listRunners}. */
export interface ListRunnersFilters extends RunnerFilters {
  /**
   * `owned`: `GET /runners`, runners of the caller's projects and groups. `all`:
   * `GET /runners/all`, every runner (administrators only).
   */
  scope: "owned" | "all";
}

/** `GET /runners` or `GET /runners/all`, every page. */
export function listRunners(ctx: OperationContext, filters: ListRunnersFilters): Promise<RunnerSummary[]> {
  const template = filters.scope === "all" ? "/runners/all" : "/runners";
  return listFiltered(ctx, template, template, filters);
}

/** `GET /projects/:id/runners`: the project's runners, its groups' runners and instance runners it may use. */
export function listProjectRunners(
  ctx: OperationContext,
  project: number | string,
  filters: RunnerFilters = {},
): Promise<RunnerSummary[]> {
  const template = "/projects/:id/runners";
  return listFiltered(
    ctx,
    template,
    `/projects/${namespaceSegment(project, "GET", template, "project")}/runners`,
    filters,
  );
}

/** `GET /groups/:id/runners`: the group's and its ancestors' runners (plus instance runners on modern GitLab). */
export function listGroupRunners(
  ctx: OperationContext,
  group: number | string,
  filters: RunnerFilters = {},
): Promise<RunnerSummary[]> {
  const template = "/groups/:id/runners";
  return listFiltered(
    ctx,
    template,
    `/groups/${namespaceSegment(group, "GET", template, "group")}/runners`,
    filters,
  );
}

async function listFiltered(
  ctx: OperationContext,
  template: string,
  path: string,
  filters: RunnerFilters,
): Promise<RunnerSummary[]> {
  const version =
    filters.paused !== undefined || filters.versionPrefix !== undefined
      ? await ctx.serverVersion()
      : undefined;
  if (filters.versionPrefix !== undefined) {
    if (!/^[\d+.]/.test(filters.versionPrefix)) {
      throw invalidArgument("GET", template, "versionPrefix must start with a digit, e.g. 17. or 16.11");
    }
    // 13.x has no `version_prefix` and would ignore it, returning every runner (docs/gitlab-api.md §5.1).
    if (version !== undefined && version.major < 14) {
      throw invalidArgument("GET", template, `versionPrefix is not supported by GitLab ${version.version}`);
    }
  }
  // Old servers ignore `paused`; send it only where it exists and filter here as well, so the
  // answer is right on every version.
  const sendPaused = filters.paused !== undefined && version?.hasPaused === true;
  const runners = await callList(
    ctx,
    {
      method: "GET",
      template,
      path,
      query: {
        type: filters.type,
        status: filters.status,
        paused: sendPaused ? filters.paused : undefined,
        tag_list: filters.tagList,
        version_prefix: filters.versionPrefix,
      },
    },
    runnerSummarySchema,
  );
  return filters.paused === undefined
    ? runners
    : runners.filter((runner) => runner.paused === filters.paused);
}
