import { CREATION_PARAMS } from "../params";
import {
  type ResetTokenResult,
  type RunnerCredentials,
  resetTokenSchema,
  runnerCredentialsSchema,
  type VerifyResult,
  verifyResultSchema,
} from "../schemas/runner";
import type { RunnerType } from "../vocabulary";
import { call, callVoid, compact, invalidArgument, type OperationContext } from "./context";
import { type RunnerSettings, settingsNeedVersion, settingsParams } from "./runner-settings";

/** Input of `POST /runners` (the registration-token flow). */
export interface RegisterRunnerInput extends RunnerSettings {
  /**
   * The instance, group or project registration token; it decides the runner's scope. GitLab
   * `token`. Disabled by default since GitLab 17.0 (410 `registration_disallowed`). Required.
   */
  token: string;
  /**
   * Name reported for the runner. GitLab `info[name]`.
   * @default none
   */
  name?: string;
}

/**
 * `POST /runners`: registers a runner with a registration token. Never retried once sent: a
 * repeat could create a second runner, and the first one's token would be lost.
 */
export async function registerRunner(
  ctx: OperationContext,
  input: RegisterRunnerInput,
): Promise<RunnerCredentials> {
  const template = "/runners";
  if (typeof input.token !== "string" || input.token.trim() === "") {
    throw invalidArgument("POST", template, "a registration token is required");
  }
  ctx.redactor.add(input.token);
  const version = settingsNeedVersion(input) ? await ctx.serverVersion() : undefined;
  const body = compact({
    [CREATION_PARAMS.registrationToken]: input.token,
    ...settingsParams(input, version),
    info: input.name === undefined ? undefined : { name: input.name },
  });
  const credentials = await call(
    ctx,
    { method: "POST", template, path: template, body, auth: false, secrets: [input.token] },
    runnerCredentialsSchema,
  );
  ctx.redactor.add(credentials.token);
  return credentials;
}

/** Input of `POST /user/runners` (the runner-creation flow, GitLab 15.10+). */
export interface CreateUserRunnerInput extends RunnerSettings {
  /** `instance_type` (administrators), `group_type` or `project_type`. GitLab `runner_type`. Required. */
  runnerType: RunnerType;
  /** Group of a `group_type` runner (the caller needs Owner). GitLab `group_id`. Required for `group_type`. */
  groupId?: number;
  /** Project of a `project_type` runner (the caller needs Maintainer). GitLab `project_id`. Required for `project_type`. */
  projectId?: number;
}

/**
 * `POST /user/runners`: creates a runner owned by the token's user. Needs the `create_runner`
 * (or `api`) scope. Never retried once sent (docs/design.md decision 9): the `glrt-` token in the
 * answer "cannot be retrieved later".
 */
export async function createUserRunner(
  ctx: OperationContext,
  input: CreateUserRunnerInput,
): Promise<RunnerCredentials> {
  const template = "/user/runners";
  if (input.runnerType === "group_type" && input.groupId === undefined) {
    throw invalidArgument("POST", template, "groupId is required for a group_type runner");
  }
  if (input.runnerType === "project_type" && input.projectId === undefined) {
    throw invalidArgument("POST", template, "projectId is required for a project_type runner");
  }
  if (input.runnerType !== "group_type" && input.groupId !== undefined) {
    throw invalidArgument(
      "POST",
      template,
      `groupId is only valid for group_type runners, not ${input.runnerType}`,
    );
  }
  if (input.runnerType !== "project_type" && input.projectId !== undefined) {
    throw invalidArgument(
      "POST",
      template,
      `projectId is only valid for project_type runners, not ${input.runnerType}`,
    );
  }
  // No `active` here: the endpoint has only `paused` (lib/api/user_runners.rb).
  const body = compact({
    [CREATION_PARAMS.runnerType]: input.runnerType,
    [CREATION_PARAMS.groupId]: input.groupId,
    [CREATION_PARAMS.projectId]: input.projectId,
    ...settingsParams(input, "modern"),
  });
  const credentials = await call(
    ctx,
    { method: "POST", template, path: template, body },
    runnerCredentialsSchema,
  );
  ctx.redactor.add(credentials.token);
  return credentials;
}

function requireToken(template: string, method: string, token: string): void {
  if (typeof token !== "string" || token.trim() === "")
    throw invalidArgument(method, template, "a runner authentication token is required");
}

/** `DELETE /runners` with the runner's own authentication token (sent in the body). */
export function deleteRunnerByToken(ctx: OperationContext, token: string): Promise<void> {
  const template = "/runners";
  requireToken(template, "DELETE", token);
  return callVoid(ctx, {
    method: "DELETE",
    template,
    path: template,
    body: { token },
    auth: false,
    secrets: [token],
  });
}

/**
 * `POST /runners/verify`. Not a read: it marks the runner contacted and may create a runner
 * manager (docs/design.md decision 6), so never call it implicitly. Accepts 13.x's plain `200`.
 */
export function verifyRunner(ctx: OperationContext, token: string, systemId?: string): Promise<VerifyResult> {
  const template = "/runners/verify";
  requireToken(template, "POST", token);
  return call(
    ctx,
    {
      method: "POST",
      template,
      path: template,
      body: compact({ token, system_id: systemId }),
      auth: false,
      secrets: [token],
    },
    verifyResultSchema,
  );
}

/** `POST /runners/reset_authentication_token` with the runner's current token. */
export async function resetRunnerTokenByToken(
  ctx: OperationContext,
  token: string,
): Promise<ResetTokenResult> {
  const template = "/runners/reset_authentication_token";
  requireToken(template, "POST", token);
  const result = await call(
    ctx,
    { method: "POST", template, path: template, body: { token }, auth: false, secrets: [token] },
    resetTokenSchema,
  );
  ctx.redactor.add(result.token);
  return result;
}
