/**
 * `create`: register (`POST /runners`), create (`POST /user/runners`) or adopt an existing
 * runner. Every field the endpoint takes goes in that one POST; the details are read once
 * after. Pulumi must never lose a runner GitLab created: any failure after the POST rejects
 * with a {@link PartialStateError} so the engine records it (docs/pulumi-engine.md §3).
 *
 * Creation is idempotent across processes (docs/design.md "Two front doors"): the POST carries
 * this resource's creation mark in the maintenance note (`creation-mark.ts`), and before posting
 * a resource that an earlier run may have created (the stack's state records an unfinished
 * creation of it: `provider/stack-state.ts`), the scope is looked up once per provider process
 * for a never-contacted runner carrying it (`creation-evidence.ts`). Such a runner is taken over
 * (its token reset, its settings put to the program's) instead of posting again. GitLab 13.x has
 * no note: there a lost answer inside one process is still reconciled by resemblance
 * (`reconcile.ts`), and a killed `pulumi up` can leave a runner behind.
 */
import type { GitLabClient, RunnerCredentials, RunnerDetails } from "../gitlab";
import type { EngineLog } from "../resource/engine-log";
import {
  errorText,
  hasCode,
  isNotFound,
  isOutcomeUnknown,
  isRefused,
  PartialStateError,
  ProviderError,
  planLimitError,
} from "../resource/errors";
import { lookUpGroup, lookUpProject } from "../resource/lookups";
import { ORIGIN_KEY, originOf, type ResourceOrigin } from "../resource/origin";
import { parseRunnerInputs, type RunnerInputs } from "./check";
import { type CreationScope, findMarkedRunners, forgetRunner } from "./creation-evidence";
import { type CreationMark, composeNote, describeMark, markFor, sameStack, splitNote } from "./creation-mark";
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
  | "deleteRunner"
  | "getVersion"
>;
type Api = CreateClient;

/** An error's text as a sentence of an explanation: ending with one full stop. */
function sentence(err: unknown): string {
  return `${errorText(err).replace(/[.\s]+$/, "")}.`;
}

/** Where a create writes what the user should see (the engine's log); silent by default. */
const quiet: Pick<EngineLog, "warn" | "info"> = { warn() {}, info() {} };
type Log = Pick<EngineLog, "warn" | "info">;

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

/** How a creation is recognised: by its mark where GitLab keeps notes, else by resemblance. */
interface Evidence {
  scope: CreationScope;
  mark: CreationMark;
}

/** Transport codes after which looking again may succeed (each GET has its own retries too). */
const TRANSIENT = ["timeout", "network", "server_error", "rate_limited", "invalid_response"];
const ROUNDS = 3;
const ROUND_PAUSE_MS = 2_000;

/**
 * The runners carrying the mark after a lost answer: the scope listed again (the runner may be
 * newer than the cached listing), the look-up repeated while GitLab fails transiently.
 */
async function findAfterLostAnswer(api: Api, evidence: Evidence, cause: unknown): Promise<RunnerDetails[]> {
  for (let round = 1; ; round++) {
    try {
      return await findMarkedRunners(api, evidence.scope, evidence.mark, { fresh: true });
    } catch (err) {
      const transient = TRANSIENT.some((code) => hasCode(err, code));
      if (round < ROUNDS && transient) {
        await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS * round));
        continue;
      }
      throw new ProviderError(
        `the create request got no answer, and looking for the runner it may have created failed: ${sentence(err)} ` +
          "Nothing was posted again. If GitLab created the runner, it carries this resource's creation mark in its " +
          "maintenance note, and the next pulumi up finds and takes it over instead of creating another one.",
        { code: "creation_unconfirmed", cause: cause ?? err },
      );
    }
  }
}

/**
 * Sends the creation POST; when its outcome is unknown, looks for the runner it made (by its
 * mark, or by resemblance on GitLab 13.x: `reconcile.ts`) before posting again, at most once.
 */
async function postOnce(
  api: Api,
  inputs: RunnerInputs,
  req: CreationRequest,
  evidence: Evidence | undefined,
): Promise<
  | { registration: RunnerCredentials }
  | { recovered: RunnerDetails; extras: RunnerDetails[] }
  | { recoveredId: number }
> {
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
      if (evidence !== undefined) {
        // Exact: only this resource's mark counts, so several matches are this resource's own
        // duplicates (a late answer), not someone else's runners.
        found = await findAfterLostAnswer(api, evidence, err);
        if (found.length > 0) return { recovered: found[0]!, extras: found.slice(1) };
      } else {
        try {
          found = await findCreatedRunners(api, req);
        } catch (lookup) {
          // GitLab listed one unmistakable candidate but kept failing to show its details: record
          // it (the caller resets its token) rather than leave a runner nobody knows about.
          const only = lookup instanceof LookupIncomplete && lookup.found.length === 0 ? lookup.unread : [];
          if (only.length === 1 && listedAsOurs(only[0]!, req)) return { recoveredId: only[0]!.id };
          throw lookup;
        }
        if (found.length === 1) return { recovered: found[0]!, extras: [] };
        if (found.length > 1) {
          throw new ProviderError(
            `the create request got no answer, and ${found.length} runners now match it (ids ${found.map((r) => r.id).join(", ")}): ` +
              "cannot tell which one GitLab created for this request. Nothing was posted again. Delete the extra runners, " +
              "or set adoptRunnerId to the one to keep, then run pulumi up again.",
            { code: "creation_ambiguous", cause: err },
          );
        }
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
function partialOutputs(
  id: number,
  inputs: RunnerInputs,
  token: RunnerCredentials | undefined,
  origin: ResourceOrigin | undefined,
) {
  return {
    runnerId: id,
    ...(token ? { authenticationToken: token.token, tokenExpiresAt: token.tokenExpiresAt } : {}),
    ...recordedInputs(inputs),
    ...(origin ? { [ORIGIN_KEY]: origin } : {}),
  };
}

/**
 * Whether GitLab keeps a runner's note, so the creation mark can be used: `POST /user/runners`
 * exists only where it does (15.10+); for a registration token, GitLab ≥ 14.8 (13.x has no note).
 * When the version cannot be read, the mark is sent anyway (an older GitLab ignores it).
 */
async function keepsNotes(api: Api, inputs: RunnerInputs): Promise<boolean> {
  if (inputs.registrationToken === undefined) return true;
  try {
    const version = await api.getVersion();
    return version.major > 14 || (version.major === 14 && version.minor >= 8);
  } catch {
    return true;
  }
}

function scopeOf(inputs: RunnerInputs, ids: { groupId?: number; projectId?: number }): CreationScope {
  if (inputs.registrationToken !== undefined) return { kind: "registration" };
  if (inputs.runnerType === "group_type" && ids.groupId !== undefined)
    return { kind: "group", groupId: ids.groupId };
  if (inputs.runnerType === "project_type" && ids.projectId !== undefined)
    return { kind: "project", projectId: ids.projectId };
  return { kind: "instance" };
}

/**
 * Before posting: the never-contacted runners of the scope that carry this resource's mark.
 * A token that may not list the scope (a `create_runner`-only token) cannot look: the create
 * goes on, with a warning that an interrupted `pulumi up` could then leave a runner behind.
 */
async function lookBeforePosting(api: Api, evidence: Evidence, log: Log): Promise<RunnerDetails[]> {
  try {
    return await findMarkedRunners(api, evidence.scope, evidence.mark);
  } catch (err) {
    // No such project or group (or not visible): nothing can have been created there; the POST
    // says what is wrong in the program's terms (`missingScopeError`).
    if (isNotFound(err)) return [];
    if (isRefused(err)) {
      log.warn(
        `cannot list the runners of the scope this runner is created in (${errorText(err)}), so an earlier ` +
          "interrupted pulumi up cannot be recognised; creating the runner. A token with the api or read_api scope can look.",
      );
      return [];
    }
    throw new ProviderError(
      `could not check whether an earlier, interrupted pulumi up already created this runner: ${sentence(err)} ` +
        "Nothing was created; run pulumi up again.",
      { cause: err },
    );
  }
}

/**
 * Takes over the runner an earlier attempt created for this resource: its token went with the
 * lost answer, so it is reset (the only way to hold a valid one), and its settings are put to
 * the program's where they differ. Further runners carrying the same mark (answers that came
 * too late) are this resource's own unusable duplicates: they are deleted.
 */
async function takeOver(
  api: Api,
  found: RunnerDetails,
  extras: RunnerDetails[],
  inputs: RunnerInputs,
  mark: CreationMark | undefined,
  origin: ResourceOrigin | undefined,
  log: Log,
): Promise<CreateResult> {
  const id = found.id;
  forgetRunner(api, id);
  log.info(
    `runner ${id} was created for this resource by an earlier attempt whose answer never reached the stack` +
      `${mark ? " (it carries this resource's creation mark)" : ""}: taking it over and resetting its token`,
  );
  for (const extra of extras) {
    forgetRunner(api, extra.id);
    try {
      await api.deleteRunner(extra.id);
      log.warn(`runner ${extra.id} was a second runner created for this resource by a lost request: deleted`);
    } catch (err) {
      if (!isNotFound(err))
        log.warn(
          `runner ${extra.id}, a duplicate created for this resource by a lost request, could not be deleted: ${errorText(err)}`,
        );
    }
  }
  let token: RunnerCredentials;
  try {
    const reset = await resetTokenSafely(api, id);
    token = { id, token: reset.token, tokenExpiresAt: reset.tokenExpiresAt };
  } catch (err) {
    throw new PartialStateError(
      `runner ${id} was created, but its token was lost with GitLab's answer and resetting it failed: ${sentence(err)} ` +
        "The runner is recorded in the stack; change tokenRotation to get a new token.",
      { id: String(id), properties: buildOutputs(found, { inputs, origin }), cause: err },
    );
  }
  try {
    const details = await putToProgram(api, found, inputs, mark);
    return { id: String(id), outs: buildOutputs(details, { inputs, token, origin }) };
  } catch (err) {
    throw new PartialStateError(
      `runner ${id} was taken over with a new token, but updating it to the program failed: ${sentence(err)} ` +
        "It is recorded in the stack with its new token; the next pulumi up completes it.",
      { id: String(id), properties: buildOutputs(found, { inputs, token, origin }), cause: err },
    );
  }
}

/**
 * Updates a live runner to the program (its settings, and the mark in its note): one PUT with
 * what differs, or nothing. Newest servers leave `projects` out of PUT answers (docs/gitlab-api.md §3.2):
 * the read's list is kept.
 */
async function putToProgram(
  api: Api,
  live: RunnerDetails,
  inputs: RunnerInputs,
  mark: CreationMark | undefined,
): Promise<RunnerDetails> {
  const changed = differingFields(inputs, live);
  const fields = fieldsFrom(inputs, changed);
  const note = splitNote(live.maintenanceNote);
  // The note is written when the program's part differs, or when the mark is missing or not
  // this resource's (an adopted runner): keeping the program's part as GitLab has it.
  if (
    mark !== undefined &&
    live.maintenanceNote !== null &&
    (changed.includes("maintenanceNote") || note.mark?.hash !== mark.hash)
  ) {
    fields.maintenanceNote = composeNote(inputs.maintenanceNote ?? note.programNote, mark);
  }
  if (Object.keys(fields).length === 0) return live;
  const updated = await api.updateRunner(live.id, fields);
  const projects = updated.projects ?? live.projects;
  return { ...updated, ...(projects ? { projects } : {}) };
}

/**
 * Whether a resource with `mark` may adopt the runner `live`, by the creation mark its note
 * carries: refused (the message) when another stack's resource manages it, a note for the log
 * when another resource of the same stack does (a rename, a move between front doors). The
 * preview's check and the create ask the same question.
 */
export function adoptionVerdict(
  runnerId: number,
  live: Pick<RunnerDetails, "maintenanceNote">,
  mark: CreationMark | undefined,
): { refused?: string; note?: string } {
  const theirs = splitNote(live.maintenanceNote).mark;
  if (theirs === undefined || theirs.hash === mark?.hash) return {};
  if (mark !== undefined && sameStack(theirs, mark))
    return {
      note:
        `adoptRunnerId ${runnerId}: the runner carries the creation mark of ${describeMark(theirs)}, a resource of this ` +
        "stack; it now carries this resource's. If that resource is still in this stack, remove it from the program " +
        "(or give it retainOnDelete: true) so the two do not both manage the runner.",
    };
  return {
    refused:
      `adoptRunnerId ${runnerId}: this runner is already managed by ${describeMark(theirs)} (its maintenance note ` +
      "carries that resource's creation mark). Two programs managing one runner overwrite each other's settings " +
      "and tokens, and destroying either deletes it. Remove it from that program first (to keep the runner, give " +
      "that resource retainOnDelete: true before destroying it, or run pulumi state delete on it), then delete the " +
      `"Managed by Pulumi" line from the runner's maintenance note in GitLab and run pulumi up again.`,
  };
}

/**
 * Takes over an existing runner: read it, then update it to the program (docs/design.md decision 8).
 * A runner whose note carries another resource's creation mark is managed elsewhere (another
 * stack, or another resource of this one): adopting it too would make two programs overwrite
 * each other's settings and tokens, so it is refused. Its token is unknown to us (GitLab never
 * shows it again), so `authenticationToken` stays empty unless `tokenRotation` is given: then the
 * token is reset now, which is the only way to learn it.
 */
async function adopt(
  api: Api,
  inputs: RunnerInputs,
  runnerId: number,
  origin: ResourceOrigin | undefined,
  log: Log,
): Promise<CreateResult> {
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
  const mark = origin ? markFor(origin) : undefined;
  const verdict = adoptionVerdict(runnerId, live, mark);
  if (verdict.refused !== undefined) throw new ProviderError(verdict.refused, { code: "adoption_refused" });
  if (verdict.note !== undefined) log.info(verdict.note);
  const details = await putToProgram(api, live, inputs, mark);
  if (inputs.tokenRotation === undefined)
    return { id: String(runnerId), outs: buildOutputs(details, { inputs, origin }) };
  try {
    const token = await resetTokenSafely(api, runnerId);
    return { id: String(runnerId), outs: buildOutputs(details, { inputs, token, origin }) };
  } catch (err) {
    // Record the adoption (the PUT took effect) without the rotation, so the next up retries it.
    const { tokenRotation: _skip, ...rest } = inputs;
    throw new PartialStateError(
      `runner ${runnerId} was adopted, but resetting its token failed: ${errorText(err)}`,
      { id: String(runnerId), properties: buildOutputs(details, { inputs: rest, origin }), cause: err },
    );
  }
}

/** How a creation decides whether to look in GitLab first. */
export interface CreateOptions {
  /**
   * Whether an earlier run may have created this resource's runner unseen, and the line for
   * the log that says why, or "" (`provider/stack-state.ts`: the stack's state records an
   * unfinished creation of it). Only then is the scope searched for the runner before posting.
   * Without it, every creation searches: the safe answer when nothing is known.
   */
  mayExist?: (origin: ResourceOrigin) => Promise<{ may: false } | { may: true; why: string }>;
}

/** `create` for the Runner resource. */
export async function createRunner(
  api: Api,
  news: Record<string, unknown>,
  log: Log = quiet,
  options: CreateOptions = {},
): Promise<CreateResult> {
  const inputs = parseRunnerInputs(news);
  const origin = originOf(news);
  if (inputs.adoptRunnerId !== undefined) return adopt(api, inputs, inputs.adoptRunnerId, origin, log);

  const ids = await resolveIds(api, inputs);
  const mark = origin !== undefined && (await keepsNotes(api, inputs)) ? markFor(origin) : undefined;
  const evidence = mark ? { scope: scopeOf(inputs, ids), mark } : undefined;
  if (evidence && origin !== undefined) {
    const earlier = options.mayExist ? await options.mayExist(origin) : { may: true as const, why: "" };
    if (earlier.may) {
      if (earlier.why) log.info(earlier.why);
      const found = await lookBeforePosting(api, evidence, log);
      if (found.length > 0) return takeOver(api, found[0]!, found.slice(1), inputs, mark, origin, log);
    }
  }

  const fields = fieldsFrom(inputs);
  if (mark) fields.maintenanceNote = composeNote(inputs.maintenanceNote, mark);
  const req: CreationRequest = {
    ...(inputs.runnerType !== undefined ? { runnerType: inputs.runnerType } : {}),
    ...ids,
    fields,
    startedAt: Date.now(),
  };
  const result = await postOnce(api, inputs, req, evidence);

  if ("recovered" in result) {
    return takeOver(api, result.recovered, result.extras, inputs, mark, origin, log);
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
      return { id: String(id), outs: buildOutputs(details, { inputs, token, origin }) };
    } catch (err) {
      throw new PartialStateError(
        `runner ${id} was created, but GitLab's answer was lost and ${token ? "reading it" : "resetting its token"} failed: ${sentence(err)} ` +
          `It is recorded in the stack${token ? " with a new token" : "; change tokenRotation to get a token"}; the next pulumi up or refresh completes it.`,
        { id: String(id), properties: partialOutputs(id, inputs, token, origin), cause: err },
      );
    }
  }

  const registration = result.registration;
  try {
    const details = await api.getRunner(registration.id);
    return {
      id: String(registration.id),
      outs: buildOutputs(details, { inputs, token: registration, origin }),
    };
  } catch (err) {
    throw new PartialStateError(
      `runner ${registration.id} was created, but reading it back failed: ${sentence(err)} ` +
        "It is recorded in the stack with its token; the next pulumi up or refresh completes it.",
      {
        id: String(registration.id),
        properties: partialOutputs(registration.id, inputs, registration, origin),
        cause: err,
      },
    );
  }
}
