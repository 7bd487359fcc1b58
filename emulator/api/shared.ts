import { ApiError, apiError, preconditionFailed } from "../http/errors";
import { PAGINATION_SPECS, type ParamSpec, type Params } from "../http/params";
import { matchesStatus, matchesType } from "../model/status";
import type { RunnerRecord } from "../types";
import type { VersionFeatures } from "../version";
import type { RequestContext } from "./context";

export const RUNNER_TYPES = ["instance_type", "group_type", "project_type"] as const;
export const ACCESS_LEVELS = ["not_protected", "ref_protected"] as const;

/** `Ci::Runner::AVAILABLE_STATUSES` (13.x had `not_connected`, no `never_contacted`/`stale`). */
export function statusValues(features: VersionFeatures): string[] {
  return features.legacy
    ? ["active", "paused", "online", "offline", "not_connected"]
    : ["active", "paused", "online", "offline", "never_contacted", "stale"];
}

/** `Ci::Runner::AVAILABLE_SCOPES`: legacy types, types and statuses. */
export function allScopes(features: VersionFeatures): string[] {
  return ["specific", "shared", ...RUNNER_TYPES, ...statusValues(features)];
}

/** Filter params shared by the runner list endpoints (docs/gitlab-api.md §5). */
export function listSpecs(features: VersionFeatures, scopeValues: readonly string[] | null): ParamSpec[] {
  const specs: ParamSpec[] = [];
  if (scopeValues !== null) specs.push({ name: "scope", type: "string", values: scopeValues });
  specs.push({ name: "type", type: "string", values: RUNNER_TYPES });
  if (features.paused) specs.push({ name: "paused", type: "boolean" });
  specs.push({ name: "status", type: "string", values: statusValues(features) });
  specs.push({ name: "tag_list", type: "tag_list" });
  // Not end-anchored, as in GitLab: "15abc" passes (docs/gitlab-api.md §5.1).
  if (!features.legacy) specs.push({ name: "version_prefix", type: "string", regexp: /^[\d+.]+/ });
  specs.push(...PAGINATION_SPECS);
  return specs;
}

/** Filters ANDed in GitLab's order: scope → type → status → paused → version_prefix → tag_list. */
export function filterRunners(ctx: RequestContext, runners: RunnerRecord[], params: Params): RunnerRecord[] {
  const { now, features } = ctx;
  const scope = typeof params.scope === "string" ? params.scope : null;
  const type = typeof params.type === "string" ? params.type : null;
  const status = typeof params.status === "string" ? params.status : null;
  const paused = typeof params.paused === "boolean" ? params.paused : null;
  const versionPrefix = typeof params.version_prefix === "string" ? params.version_prefix : null;
  const tags = Array.isArray(params.tag_list) ? (params.tag_list as string[]) : [];
  return runners.filter((r) => {
    if (scope !== null) {
      const isType = scope === "specific" || scope === "shared" || scope.endsWith("_type");
      if (isType ? !matchesType(r, scope) : !matchesStatus(r, scope, now, features)) return false;
    }
    if (type !== null && r.runnerType !== type) return false;
    if (status !== null && !matchesStatus(r, status, now, features)) return false;
    if (paused !== null && r.active === paused) return false;
    if (versionPrefix !== null && !r.managers.some((m) => m.version?.startsWith(versionPrefix))) return false;
    if (tags.length > 0 && !tags.every((t) => r.tagList.includes(t))) return false;
    return true;
  });
}

/** The runner `:id` path param: an Integer ("abc" → 400 "id is invalid", docs/gitlab-api.md §1.3). */
export const RUNNER_ID_SPEC: ParamSpec = { name: "id", type: "integer", required: true };

/** `Ci::Runner.find(id)` (404 Not found) or newest `not_found!('Runner')`. */
export function findRunner(ctx: RequestContext, id: unknown): RunnerRecord {
  const runner = typeof id === "number" ? ctx.store.runners.get(id) : undefined;
  if (runner === undefined) throw apiError(404, ctx.features.runnerNotFoundMessage);
  return runner;
}

/** `destroy_conditionally!`: If-Unmodified-Since older than updated_at → 412. */
export function checkUnmodifiedSince(ctx: RequestContext, updatedAt: string): void {
  const header = ctx.headers["if-unmodified-since"];
  if (typeof header !== "string") return;
  const since = Date.parse(header);
  if (Number.isNaN(since)) return;
  if (Math.floor(Date.parse(updatedAt) / 1000) * 1000 > since) throw preconditionFailed();
}

/** Applies the optional runner attributes shared by PUT, POST /runners and POST /user/runners. */
export function applyRunnerAttributes(
  runner: RunnerRecord,
  params: Params,
): { tagList: boolean; description: boolean } {
  const changed = { tagList: false, description: false };
  if (params.description !== undefined) {
    const next = params.description === null ? null : String(params.description);
    changed.description = next !== runner.description;
    runner.description = next;
  }
  if (typeof params.active === "boolean") runner.active = params.active;
  if (typeof params.paused === "boolean") runner.active = !params.paused;
  if (Array.isArray(params.tag_list)) {
    const next = params.tag_list as string[];
    changed.tagList = next.length !== runner.tagList.length || next.some((t) => !runner.tagList.includes(t));
    runner.tagList = [...next];
  }
  if (typeof params.run_untagged === "boolean") runner.runUntagged = params.run_untagged;
  if (typeof params.locked === "boolean") runner.locked = params.locked;
  if (params.access_level === "not_protected" || params.access_level === "ref_protected")
    runner.accessLevel = params.access_level;
  if (params.maximum_timeout !== undefined)
    runner.maximumTimeout = typeof params.maximum_timeout === "number" ? params.maximum_timeout : null;
  if (params.maintenance_note !== undefined)
    runner.maintenanceNote = params.maintenance_note === null ? null : String(params.maintenance_note);
  return changed;
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
