import { ApiError, apiError, forbidden, validationError } from "../http/errors";
import { type ParamSpec, type Params, validateParams } from "../http/params";
import { planLimitErrors } from "../model/plan-limits";
import { validateRunner } from "../model/validate-runner";
import { runnerAuthToken } from "../state/tokens";
import type { GroupRecord, ProjectRecord, RunnerRecord, RunnerType } from "../types";
import type { ApiResponse, Handler, RequestContext } from "./context";
import { rotateRunnerToken } from "./runners";
import { ACCESS_LEVELS, applyRunnerAttributes, checkUnmodifiedSince } from "./shared";

/**
 * Endpoints authenticated by a runner token in the `token` param (lib/api/ci/runner.rb,
 * docs/gitlab-api.md §7). No user authentication; an unknown or expired token is 403.
 */

const TOKEN_SPEC: ParamSpec = { name: "token", type: "string", required: true };

/**
 * `check_if_backoff_required!` (lib/api/ci/helpers/runner.rb), run in a `before` block of
 * API::Ci::Runner, so ahead of parameter validation: while a migration with
 * `enable_runner_backoff!` runs (and the `runner_migrations_backoff` ops flag is on),
 * `too_many_requests!` answers 429 `{"message":"Executing database migrations. Please retry
 * later."}` with `Retry-After: 60` (lib/api/helpers.rb; docs/gitlab-api.md §13.3).
 */
export function backingOff(handler: Handler): Handler {
  return (ctx) => {
    if (ctx.store.runnerMigrationBackoff)
      throw new ApiError(
        429,
        { message: "Executing database migrations. Please retry later." },
        { "Retry-After": "60" },
      );
    return handler(ctx);
  };
}

function gone(): ApiError {
  return apiError(410, "410 Gone - runner registration disallowed");
}

/** `authenticate_runner!`. */
function authenticateRunner(ctx: RequestContext, token: unknown): RunnerRecord {
  const runner = typeof token === "string" ? ctx.store.runnerByToken(token) : undefined;
  if (runner === undefined) throw forbidden();
  if (runner.tokenExpiresAt !== null && Date.parse(runner.tokenExpiresAt) <= ctx.now) throw forbidden();
  return runner;
}

function registerSpecs(ctx: RequestContext): { specs: ParamSpec[]; exclusive: string[][] } {
  const { features } = ctx;
  const specs: ParamSpec[] = [TOKEN_SPEC, { name: "description", type: "string" }];
  if (features.maintenanceNote)
    specs.push({ name: "maintainer_note", type: "string" }, { name: "maintenance_note", type: "string" });
  specs.push({ name: "info", type: "hash" }, { name: "active", type: "boolean" });
  if (features.paused) specs.push({ name: "paused", type: "boolean" });
  specs.push(
    { name: "locked", type: "boolean" },
    { name: "access_level", type: "string", values: ACCESS_LEVELS },
    { name: "run_untagged", type: "boolean" },
    { name: "tag_list", type: "tag_list" },
    { name: "maximum_timeout", type: "integer" },
  );
  const exclusive = features.paused
    ? [
        ["active", "paused"],
        ["maintainer_note", "maintenance_note"],
      ]
    : [];
  return { specs, exclusive };
}

interface Registrar {
  runnerType: RunnerType;
  group?: GroupRecord;
  project?: ProjectRecord;
}

/**
 * Token resolution order: instance, project, group (register_runner_service.rb). A project or
 * group token counts only when `valid_runner_registrars` lists its kind (`runner_registrar_valid?`),
 * otherwise it is as unknown as any other token (docs/gitlab-api.md §13.2).
 */
function resolveRegistrationToken(ctx: RequestContext, token: string): Registrar {
  const { store, features } = ctx;
  const registrar = (kind: "project" | "group"): boolean =>
    !features.runnerRegistrars || store.validRunnerRegistrars.includes(kind);
  if (!store.registrationTokensAllowed) {
    // With the instance setting off any non-empty token is 410, known or not (docs/gitlab-api.md §7.1).
    if (token !== "") throw gone();
    throw apiError(403, ctx.features.invalidRegistrationTokenMessage);
  }
  if (token !== "" && token === store.instanceRegistrationToken) return { runnerType: "instance_type" };
  if (token !== "" && registrar("project")) {
    for (const project of store.projects.values()) {
      if (project.runnersToken !== token) continue;
      if (store.rootGroup(project.namespaceId)?.allowRunnerRegistrationToken === false) throw gone();
      return { runnerType: "project_type", project };
    }
  }
  if (token !== "" && registrar("group")) {
    for (const group of store.groups.values()) {
      if (group.runnersToken !== token) continue;
      if (store.rootGroup(group.id)?.allowRunnerRegistrationToken === false) throw gone();
      return { runnerType: "group_type", group };
    }
  }
  throw apiError(403, ctx.features.invalidRegistrationTokenMessage);
}

function infoString(info: Params | undefined, key: string): string | null {
  const value = info?.[key];
  return typeof value === "string" ? value : null;
}

/** POST /runners — register with a registration token (docs/gitlab-api.md §7.1). */
export function registerRunner(ctx: RequestContext): ApiResponse {
  const { features, store } = ctx;
  const { specs, exclusive } = registerSpecs(ctx);
  const params = validateParams(ctx.params, { specs, mutuallyExclusive: exclusive });
  const registrar = resolveRegistrationToken(ctx, String(params.token));
  const nowIso = new Date(ctx.now).toISOString();
  const info = params.info as Params | undefined;
  const runner: RunnerRecord = {
    id: 0,
    runnerType: registrar.runnerType,
    token: runnerAuthToken(registrar.runnerType, "registration_token", features.tokenPartitionPrefix),
    tokenExpiresAt: null,
    description: null,
    name: infoString(info, "name"),
    active: true,
    locked: false,
    runUntagged: true,
    accessLevel: "not_protected",
    maximumTimeout: null,
    tagList: [],
    maintenanceNote: null,
    ipAddress: ctx.clientIp,
    contactedAt: null,
    createdAt: nowIso,
    updatedAt: nowIso,
    creatorId: null,
    registrationType: "registration_token",
    groupId: registrar.group?.id ?? null,
    projectIds: registrar.project === undefined ? [] : [registrar.project.id],
    ownerProjectId: registrar.project?.id ?? null,
    // 13.x stored the info columns on the runner; modern keeps only the name (docs/gitlab-api.md §7.1).
    version: features.legacy ? infoString(info, "version") : null,
    revision: features.legacy ? infoString(info, "revision") : null,
    platform: features.legacy ? infoString(info, "platform") : null,
    architecture: features.legacy ? infoString(info, "architecture") : null,
    managers: [],
  };
  const note = params.maintenance_note ?? params.maintainer_note;
  const changed = applyRunnerAttributes(runner, { ...params, maintenance_note: note });
  // The link records validate first (the association is declared before the runner's own rules).
  const errors = {
    ...planLimitErrors(store, features, ctx.now, {
      ...(registrar.project === undefined ? {} : { projectId: registrar.project.id }),
      ...(registrar.group === undefined ? {} : { groupId: registrar.group.id }),
    }),
    ...validateRunner(runner, changed),
  };
  if (Object.keys(errors).length > 0) throw validationError(errors);
  runner.id = store.allocateRunnerId();
  runner.tokenExpiresAt = store.runnerTokenExpiry(runner, ctx.now);
  store.addRunner(runner);
  const body: Record<string, unknown> = { id: runner.id, token: runner.token };
  if (features.tokenExpiresAt) body.token_expires_at = runner.tokenExpiresAt;
  return { status: 201, body };
}

/** DELETE /runners — by authentication token (docs/gitlab-api.md §7.2). */
export function unregisterRunner(ctx: RequestContext): ApiResponse {
  const params = validateParams(ctx.params, { specs: [TOKEN_SPEC] });
  const runner = authenticateRunner(ctx, params.token);
  checkUnmodifiedSince(ctx, runner.updatedAt);
  ctx.store.deleteRunner(runner);
  return { status: 204 };
}

/** POST /runners/verify — marks the runner contacted and records a manager (docs/gitlab-api.md §7.3). */
export function verifyRunner(ctx: RequestContext): ApiResponse {
  const { features, store } = ctx;
  const params = validateParams(ctx.params, { specs: [TOKEN_SPEC, { name: "system_id", type: "string" }] });
  const runner = authenticateRunner(ctx, params.token);
  const nowIso = new Date(ctx.now).toISOString();
  runner.contactedAt = nowIso;
  runner.ipAddress = ctx.clientIp;
  if (features.managers) {
    const systemId =
      typeof params.system_id === "string" && params.system_id !== "" ? params.system_id : "<legacy>";
    let manager = runner.managers.find((m) => m.systemId === systemId);
    if (manager === undefined) {
      manager = {
        id: store.allocateManagerId(),
        systemId,
        version: null,
        revision: null,
        platform: null,
        architecture: null,
        ipAddress: null,
        createdAt: nowIso,
        contactedAt: null,
      };
      runner.managers.push(manager);
    }
    manager.contactedAt = nowIso;
    manager.ipAddress = ctx.clientIp;
  }
  if (features.legacy) return { status: 200, text: "200" };
  return {
    status: 200,
    body: { id: runner.id, token: runner.token, token_expires_at: runner.tokenExpiresAt },
  };
}

/** POST /runners/reset_authentication_token — by the current token (docs/gitlab-api.md §7.4). */
export function resetTokenByToken(ctx: RequestContext): ApiResponse {
  const params = validateParams(ctx.params, { specs: [TOKEN_SPEC] });
  const runner = authenticateRunner(ctx, params.token);
  return { status: 201, body: rotateRunnerToken(ctx, runner) };
}
