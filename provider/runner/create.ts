/**
 * `create`: register (`POST /runners`), create (`POST /user/runners`) or adopt an existing
 * runner. Every field the endpoint takes goes in that one POST; the details are read once
 * after. Pulumi must never lose a runner GitLab created: any failure after the POST rejects
 * with a {@link PartialStateError} so the engine records it (docs/pulumi-engine.md §3).
 */
import type { GitLabClient, RunnerCredentials, RunnerDetails } from "../gitlab";
import {
  errorText,
  hasCode,
  isNotFound,
  isOutcomeUnknown,
  PartialStateError,
  ProviderError,
  planLimitError,
} from "../resource/errors";
import { lookUpGroup, lookUpProject } from "../resource/lookups";
import { parseRunnerInputs, type RunnerInputs } from "./check";
import { differingFields, fieldsFrom } from "./fields";
import { buildOutputs, type RunnerOutputs, recordedInputs } from "./outputs";
import { type CreationRequest, findCreatedRunners, LookupIncomplete, listedAsOurs } from "./reconcile";
import { resetTokenSafely } from "./reset-token";

export interface CreateResult {
  id: string;
  outs: RunnerOutputs;
}

/** The GitLab operations creating a runner needs. */
export type CreateClient = Pick<
  GitLabClient,
  | "registerRunner"
  | "createUserRunner"
  | "getRunner"
  | "updateRunner"
  | "resetRunnerToken"
  | "resolveProject"
  | "resolveGroup"
  | "listRunners"
  | "listProjectRunners"
  | "listGroupRunners"
>;
type Api = CreateClient;

/** The error for a 410 from `POST /runners`: say which inputs work instead (docs/design.md decision 4). */
function registrationDisallowed(err: unknown): ProviderError {
  return new ProviderError(
    "registrationToken cannot be used: this GitLab does not allow registering runners with registration tokens " +
      '(410 "runner registration disallowed"; the default since GitLab 17.0). Create the runner with runnerType instead: ' +
      'runnerType: "project_type" with projectId, "group_type" with groupId, or "instance_type" (administrators), ' +
      `or ask an administrator to allow registration tokens. (${errorText(err)})`,
    { cause: err },
  );
}

/** `POST /user/runners` is GitLab 15.11+; older servers answer their catch-all 404. */
function userRunnersUnsupported(err: unknown): ProviderError {
  return new ProviderError(
    "runnerType cannot be used: this GitLab has no POST /user/runners (added in GitLab 15.11). " +
      `Register the runner with registrationToken instead (a project's, group's or the instance's runner registration token). (${errorText(err)})`,
    { cause: err },
  );
}

async function resolveIds(api: Api, inputs: RunnerInputs): Promise<{ groupId?: number; projectId?: number }> {
  const out: { groupId?: number; projectId?: number } = {};
  try {
    // Remembered: the preview-time check has usually asked already.
    if (inputs.groupId !== undefined) {
      out.groupId =
        typeof inputs.groupId === "number" ? inputs.groupId : (await lookUpGroup(api, inputs.groupId)).id;
    }
    if (inputs.projectId !== undefined) {
      out.projectId =
        typeof inputs.projectId === "number"
          ? inputs.projectId
          : (await lookUpProject(api, inputs.projectId)).id;
    }
  } catch (err) {
    const which =
      inputs.groupId !== undefined
        ? `groupId ${JSON.stringify(inputs.groupId)}`
        : `projectId ${JSON.stringify(inputs.projectId)}`;
    if (isNotFound(err))
      throw new ProviderError(
        `${which}: GitLab has no such ${inputs.groupId !== undefined ? "group" : "project"} visible to this token. ${errorText(err)}`,
        { cause: err },
      );
    throw err;
  }
  return out;
}

/**
 * `POST /user/runners` answers 400 "Missing/invalid project" (or group), not 404, for an id that
 * does not exist or that the caller cannot see (`lib/api/user_runners.rb`, docs/gitlab-api.md §9): name
 * the argument and its value, as the path lookup in {@link resolveIds} does.
 */
function missingScopeError(err: unknown, inputs: RunnerInputs): ProviderError | undefined {
  const match = /Missing\/invalid (project|group)/i.exec(errorText(err));
  if (!match) return undefined;
  const kind = match[1]!.toLowerCase();
  const which =
    kind === "group"
      ? `groupId ${JSON.stringify(inputs.groupId)}`
      : `projectId ${JSON.stringify(inputs.projectId)}`;
  return new ProviderError(
    `${which}: GitLab has no such ${kind} visible to this token. Check the ${kind}'s id (or use its full path), ` +
      `and that the token's user is a member with the role needed to create runners there. (${errorText(err)})`,
    { cause: err, code: "not_found" },
  );
}

function post(api: Api, inputs: RunnerInputs, req: CreationRequest): Promise<RunnerCredentials> {
  if (inputs.registrationToken !== undefined) {
    return api.registerRunner({ ...req.fields, token: inputs.registrationToken });
  }
  const runnerType = inputs.runnerType;
  if (runnerType === undefined)
    throw new ProviderError("runnerType is required to create a runner", { code: "invalid_input" });
  return api.createUserRunner({
    ...req.fields,
    runnerType,
    ...(req.groupId !== undefined ? { groupId: req.groupId } : {}),
    ...(req.projectId !== undefined ? { projectId: req.projectId } : {}),
  });
}

/**
 * Sends the creation POST; when its outcome is unknown, reconciles (see `reconcile.ts`) before
 * posting again, at most once.
 */
async function postOnce(
  api: Api,
  inputs: RunnerInputs,
  req: CreationRequest,
): Promise<{ registration: RunnerCredentials } | { recovered: RunnerDetails } | { recoveredId: number }> {
  for (let attempt = 1; ; attempt++) {
    req.startedAt = Date.now();
    try {
      return { registration: await post(api, inputs, req) };
    } catch (err) {
      if (hasCode(err, "registration_disallowed")) throw registrationDisallowed(err);
      if (hasCode(err, "unsupported") && inputs.runnerType !== undefined) throw userRunnersUnsupported(err);
      const missingScope = missingScopeError(err, inputs);
      if (missingScope) throw missingScope;
      const limit = planLimitError(err, "GitLab refused to create the runner");
      if (limit) throw limit;
      if (!isOutcomeUnknown(err)) throw err;
      let found: RunnerDetails[];
      try {
        found = await findCreatedRunners(api, req);
      } catch (lookup) {
        // GitLab listed one unmistakable candidate but kept failing to show its details: record
        // it (the caller resets its token) rather than leave a runner nobody knows about.
        const only = lookup instanceof LookupIncomplete && lookup.found.length === 0 ? lookup.unread : [];
        if (only.length === 1 && listedAsOurs(only[0]!, req)) return { recoveredId: only[0]!.id };
        throw lookup;
      }
      if (found.length === 1) return { recovered: found[0]! };
      if (found.length > 1) {
        throw new ProviderError(
          `the create request got no answer, and ${found.length} runners now match it (ids ${found.map((r) => r.id).join(", ")}): ` +
            "cannot tell which one GitLab created for this request. Nothing was posted again. Delete the extra runners, " +
            "or set adoptRunnerId to the one to keep, then run pulumi up again.",
          { code: "creation_ambiguous", cause: err },
        );
      }
      if (attempt >= 2) {
        throw new ProviderError(
          `the create request got no answer twice, and no matching runner exists in GitLab: ${errorText(err)}`,
          { code: "creation_unconfirmed", cause: err },
        );
      }
      // No runner matches: the lost POST did not take effect, so one more is safe.
    }
  }
}

/** The outputs recorded for a runner that exists but could not be read after creation. */
function partialOutputs(id: number, inputs: RunnerInputs, token: RunnerCredentials | undefined) {
  return {
    runnerId: id,
    ...(token ? { authenticationToken: token.token, tokenExpiresAt: token.tokenExpiresAt } : {}),
    ...recordedInputs(inputs),
  };
}

/**
 * Takes over an existing runner: read it, then update it to the program (docs/design.md decision 8).
 * Its token is unknown to us (GitLab never shows it again), so `authenticationToken` stays empty
 * unless `tokenRotation` is given: then the token is reset now, which is the only way to learn it.
 */
async function adopt(api: Api, inputs: RunnerInputs, runnerId: number): Promise<CreateResult> {
  let live: RunnerDetails;
  try {
    live = await api.getRunner(runnerId);
  } catch (err) {
    if (isNotFound(err)) {
      throw new ProviderError(
        `adoptRunnerId ${runnerId}: GitLab has no runner with this id visible to this token. ${errorText(err)}`,
        { cause: err },
      );
    }
    throw err;
  }
  const changed = differingFields(inputs, live);
  let details = live;
  if (changed.length > 0) {
    const updated = await api.updateRunner(runnerId, fieldsFrom(inputs, changed));
    // Newest servers leave `projects` out of PUT answers (docs/gitlab-api.md §3.2): keep the GET's list.
    const projects = updated.projects ?? live.projects;
    details = { ...updated, ...(projects ? { projects } : {}) };
  }
  if (inputs.tokenRotation === undefined)
    return { id: String(runnerId), outs: buildOutputs(details, { inputs }) };
  try {
    const token = await resetTokenSafely(api, runnerId);
    return { id: String(runnerId), outs: buildOutputs(details, { inputs, token }) };
  } catch (err) {
    // Record the adoption (the PUT took effect) without the rotation, so the next up retries it.
    const { tokenRotation: _skip, ...rest } = inputs;
    throw new PartialStateError(
      `runner ${runnerId} was adopted, but resetting its token failed: ${errorText(err)}`,
      { id: String(runnerId), properties: buildOutputs(details, { inputs: rest }), cause: err },
    );
  }
}

/** `create` for the Runner resource. */
export async function createRunner(api: Api, news: Record<string, unknown>): Promise<CreateResult> {
  const inputs = parseRunnerInputs(news);
  if (inputs.adoptRunnerId !== undefined) return adopt(api, inputs, inputs.adoptRunnerId);

  const req: CreationRequest = {
    ...(inputs.runnerType !== undefined ? { runnerType: inputs.runnerType } : {}),
    ...(await resolveIds(api, inputs)),
    fields: fieldsFrom(inputs),
    startedAt: Date.now(),
  };
  const result = await postOnce(api, inputs, req);

  if ("recovered" in result) {
    // Our runner, found after a lost answer: its token went with the answer, so get a new one.
    const id = result.recovered.id;
    try {
      const token = await resetTokenSafely(api, id);
      return { id: String(id), outs: buildOutputs(result.recovered, { inputs, token }) };
    } catch (err) {
      throw new PartialStateError(
        `runner ${id} was created, but its token was lost with GitLab's answer and resetting it failed: ${errorText(err)}. ` +
          "The runner is recorded in the stack; change tokenRotation to get a new token.",
        { id: String(id), properties: buildOutputs(result.recovered, { inputs }), cause: err },
      );
    }
  }

  if ("recoveredId" in result) {
    // Found by the listing alone (its details could not be read): reset the token, then try
    // the details once more; if they still fail, record the runner with its new token and let
    // the next pulumi up or refresh complete it.
    const id = result.recoveredId;
    let token: RunnerCredentials | undefined;
    try {
      const reset = await resetTokenSafely(api, id);
      token = { id, token: reset.token, tokenExpiresAt: reset.tokenExpiresAt };
      const details = await api.getRunner(id);
      return { id: String(id), outs: buildOutputs(details, { inputs, token }) };
    } catch (err) {
      throw new PartialStateError(
        `runner ${id} was created, but GitLab's answer was lost and ${token ? "reading it" : "resetting its token"} failed: ${errorText(err)}. ` +
          `It is recorded in the stack${token ? " with a new token" : "; change tokenRotation to get a token"}; the next pulumi up or refresh completes it.`,
        { id: String(id), properties: partialOutputs(id, inputs, token), cause: err },
      );
    }
  }

  const registration = result.registration;
  try {
    const details = await api.getRunner(registration.id);
    return { id: String(registration.id), outs: buildOutputs(details, { inputs, token: registration }) };
  } catch (err) {
    throw new PartialStateError(
      `runner ${registration.id} was created, but reading it back failed: ${errorText(err)}. ` +
        "It is recorded in the stack with its token; the next pulumi up or refresh completes it.",
      {
        id: String(registration.id),
        properties: partialOutputs(registration.id, inputs, registration),
        cause: err,
      },
    );
  }
}
