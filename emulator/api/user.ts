import { badRequest, forbidden } from "../http/errors";
import { type ParamSpec, validateParams } from "../http/params";
import { canReadGroup, canReadProject, isMaintainerOf, isOwnerOf } from "../model/permissions";
import { planLimitErrors } from "../model/plan-limits";
import { fullMessagesSentence, validateRunner } from "../model/validate-runner";
import { runnerAuthToken } from "../state/tokens";
import type { RunnerRecord, RunnerType } from "../types";
import { type ApiResponse, currentUser, type RequestContext } from "./context";
import { currentUserEntity } from "./entities";
import { ACCESS_LEVELS, applyRunnerAttributes, RUNNER_TYPES } from "./shared";

/** GET /user. */
export function getCurrentUser(ctx: RequestContext): ApiResponse {
  return { status: 200, body: currentUserEntity(ctx, currentUser(ctx)) };
}

/** GET /version. */
export function getVersion(ctx: RequestContext): ApiResponse {
  const body: Record<string, unknown> = { version: ctx.features.fullVersion, revision: "emulated" };
  if (!ctx.features.legacy) {
    body.kas = { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null };
    body.enterprise = false;
  }
  return { status: 200, body };
}

/** POST /user/runners — create a runner, new workflow (lib/api/user_runners.rb, docs/gitlab-api.md §9). */
export function createUserRunner(ctx: RequestContext): ApiResponse {
  const user = currentUser(ctx);
  const { features, store } = ctx;
  const specs: ParamSpec[] = [{ name: "runner_type", type: "string", required: true, values: RUNNER_TYPES }];
  // Grape `given runner_type: ->(t) { t == 'group_type' } { requires :group_id }`.
  specs.push({ name: "group_id", type: "integer", required: ctx.params.runner_type === "group_type" });
  specs.push({ name: "project_id", type: "integer", required: ctx.params.runner_type === "project_type" });
  specs.push(
    { name: "description", type: "string" },
    { name: "maintenance_note", type: "string" },
    { name: "paused", type: "boolean" },
    { name: "locked", type: "boolean" },
    { name: "access_level", type: "string", values: ACCESS_LEVELS },
    { name: "run_untagged", type: "boolean" },
    { name: "tag_list", type: "tag_list" },
    { name: "maximum_timeout", type: "integer" },
  );
  const params = validateParams(ctx.params, { specs });
  const runnerType = params.runner_type as RunnerType;
  // `create_runners` is prevented for non-admins whose kind of runner `valid_runner_registrars`
  // leaves out (project_policy.rb / group_policy.rb; docs/gitlab-api.md §13.2).
  const registrar = (kind: "project" | "group"): boolean =>
    user.admin || !features.runnerRegistrars || store.validRunnerRegistrars.includes(kind);
  let groupId: number | null = null;
  let projectId: number | null = null;
  if (runnerType === "instance_type") {
    if (!user.admin) throw forbidden("Insufficient permissions");
  } else if (runnerType === "group_type") {
    const group = typeof params.group_id === "number" ? store.groups.get(params.group_id) : undefined;
    if (group === undefined || !canReadGroup(store, user, group)) throw badRequest("Missing/invalid group");
    if (!isOwnerOf(store, user, group) || !registrar("group")) throw forbidden("Insufficient permissions");
    groupId = group.id;
  } else {
    const project = typeof params.project_id === "number" ? store.projects.get(params.project_id) : undefined;
    if (project === undefined || !canReadProject(store, user, project))
      throw badRequest("Missing/invalid project");
    if (!isMaintainerOf(store, user, project) || !registrar("project"))
      throw forbidden("Insufficient permissions");
    projectId = project.id;
  }
  const nowIso = new Date(ctx.now).toISOString();
  const runner: RunnerRecord = {
    id: 0,
    runnerType,
    token: runnerAuthToken(runnerType, "authenticated_user", features.tokenPartitionPrefix),
    tokenExpiresAt: null,
    description: null,
    name: null,
    active: true,
    locked: false,
    runUntagged: true,
    accessLevel: "not_protected",
    maximumTimeout: null,
    tagList: [],
    maintenanceNote: null,
    ipAddress: null,
    contactedAt: null,
    createdAt: nowIso,
    updatedAt: nowIso,
    creatorId: user.id,
    registrationType: "authenticated_user",
    groupId,
    projectIds: projectId === null ? [] : [projectId],
    ownerProjectId: projectId,
    version: null,
    revision: null,
    platform: null,
    architecture: null,
    managers: [],
  };
  const changed = applyRunnerAttributes(runner, params);
  const errors = {
    ...planLimitErrors(store, features, ctx.now, {
      ...(projectId === null ? {} : { projectId }),
      ...(groupId === null ? {} : { groupId }),
    }),
    ...validateRunner(runner, changed),
  };
  if (Object.keys(errors).length > 0) throw badRequest(fullMessagesSentence(errors));
  runner.id = store.allocateRunnerId();
  runner.tokenExpiresAt = store.runnerTokenExpiry(runner, ctx.now);
  store.addRunner(runner);
  return {
    status: 201,
    body: { id: runner.id, token: runner.token, token_expires_at: runner.tokenExpiresAt },
  };
}
