/**
/**
 * Reconciling a creation POST whose outcome is unknown by resemblance (docs/design.md decision 9):
 * the way left where a runner cannot carry a creation mark — GitLab 13.x, which keeps no
 * maintenance note, or inputs without the hidden `__origin` — and only inside one provider
 * process. Elsewhere the mark decides, exactly (`creation-mark.ts`, `create.ts`).
 *
 * `POST /runners` and `POST /user/runners` are not idempotent, and the runner's token is in
 * their answer only. When the request was sent but no answer came back (the connection dropped
 * or timed out after sending: the transport's `outcomeUnknown`), GitLab may or may not have
 * created the runner. Posting again could leave an orphan runner nobody holds a token for, so
 * before any new POST we look for the runner the lost request would have created:
 *
 * 1. list the runners of the scope the request targeted (`GET /projects/:id/runners`,
 *    `GET /groups/:id/runners`, `GET /runners/all?type=instance_type`; for a registration token,
 *    whose scope only GitLab knows, `GET /runners/all` or else `GET /runners`), filtered by
 *    the requested type and tags where GitLab supports it;
 * 2. keep those with the requested description, read their details, and keep the ones that
 *    match every field we sent (tags as a set, a note hidden from us as a match), have never
 *    contacted GitLab (a runner process has not used it yet), and — where GitLab reports
 *    `created_at` — were created after the POST started (minus a clock-skew allowance).
 *
 * Exactly one match: that is our runner. Its token was lost with the answer, so the caller
 * resets it (`POST /runners/:id/reset_authentication_token`) to hold a valid one. No match: the
 * POST never took effect, and one new POST is safe. Several matches (identical runners created
 * at the same time, or by hand): we cannot tell which is ours, so we stop with an error that
 * lists them; nothing is posted again.
 */
import type { GitLabClient, RunnerDetails, RunnerSettings, RunnerSummary, RunnerType } from "../gitlab";
import { sameSet } from "../resource/diff";
import { errorText, hasCode, ProviderError } from "../resource/errors";

/** How far GitLab's clock may be behind ours when comparing `created_at`. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** At most this many candidates are read in detail. */
const MAX_CANDIDATES = 50;

/** What the lost POST asked for. */
export interface CreationRequest {
  runnerType?: RunnerType;
  groupId?: number;
  projectId?: number;
  fields: RunnerSettings;
  /** `Date.now()` just before the POST was sent. */
  startedAt: number;
}

/** The GitLab operations reconciliation needs. */
export type ReconcileClient = Pick<
  GitLabClient,
  "listRunners" | "listProjectRunners" | "listGroupRunners" | "getRunner"
>;

async function candidates(api: ReconcileClient, req: CreationRequest): Promise<RunnerSummary[]> {
  const tagList = req.fields.tagList && req.fields.tagList.length > 0 ? [...req.fields.tagList] : undefined;
  if (req.runnerType === "project_type" && req.projectId !== undefined) {
    return api.listProjectRunners(req.projectId, { type: "project_type" });
  }
  if (req.runnerType === "group_type" && req.groupId !== undefined) {
    return api.listGroupRunners(req.groupId, { type: "group_type" });
  }
  const type = req.runnerType;
  const filter = { ...(type ? { type } : {}), ...(tagList ? { tagList } : {}) };
  try {
    return await api.listRunners({ scope: "all", ...filter });
  } catch (err) {
    // `/runners/all` is for administrators; others see the runners they own.
    if (!hasCode(err, "forbidden")) throw err;
    return api.listRunners({ scope: "owned", ...filter });
  }
}

/** Whether a runner's details show exactly what the lost POST asked for. */
export function matchesRequest(details: RunnerDetails, req: CreationRequest): boolean {
  const f = req.fields;
  if (req.runnerType && details.runnerType !== req.runnerType) return false;
  if (details.contactedAt !== null) return false;
  if (details.createdAt && Date.parse(details.createdAt) < req.startedAt - CLOCK_SKEW_MS) return false;
  if ((details.description ?? "") !== (f.description ?? "")) return false;
  if (f.tagList !== undefined && !sameSet(details.tagList, f.tagList)) return false;
  if (f.paused !== undefined && details.paused !== f.paused) return false;
  if (f.locked !== undefined && details.locked !== f.locked) return false;
  if (f.runUntagged !== undefined && details.runUntagged !== f.runUntagged) return false;
  if (f.accessLevel !== undefined && details.accessLevel !== f.accessLevel) return false;
  if (f.maximumTimeout !== undefined && details.maximumTimeout !== f.maximumTimeout) return false;
  if (
    f.maintenanceNote !== undefined &&
    details.maintenanceNote !== null &&
    details.maintenanceNote !== f.maintenanceNote
  ) {
    return false;
  }
  if (req.groupId !== undefined && !(details.groups ?? []).some((g) => g.id === req.groupId)) return false;
  if (
    req.projectId !== undefined &&
    details.projects &&
    !details.projects.some((p) => p.id === req.projectId)
  ) {
    return false;
  }
  return true;
}

/** Transport codes after which looking again may succeed (each GET has its own retries too). */
const TRANSIENT = ["timeout", "network", "server_error", "rate_limited", "invalid_response"];
/** Rounds of the whole look-up, and the pause before the second and third. */
const ROUNDS = 3;
const ROUND_PAUSE_MS = 2_000;

/**
 * Finds the runner(s) a creation POST with an unknown outcome made. Each look-up is a series of
 * GETs with the transport's own retries, all inside one operation deadline; a stalled or
 * failing GitLab can still use that up. Since not knowing means the caller cannot safely post
 * again (and the runner may stay unrecorded), the whole look-up is repeated up to three times
 * while the failures are transient.
 */
export async function findCreatedRunners(
  api: ReconcileClient,
  req: CreationRequest,
  pauseMs = ROUND_PAUSE_MS,
): Promise<RunnerDetails[]> {
  for (let round = 1; ; round++) {
    try {
      return await findCreatedRunnersOnce(api, req);
    } catch (err) {
      // The listing error wraps the transport's; a failed read is the transport's own.
      const coded = [err, (err as { cause?: unknown }).cause];
      const transient = coded.some((e) => TRANSIENT.some((code) => hasCode(e, code)));
      if (round >= ROUNDS || !transient) throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * round));
    }
  }
}

async function findCreatedRunnersOnce(api: ReconcileClient, req: CreationRequest): Promise<RunnerDetails[]> {
  let listed: RunnerSummary[];
  try {
    listed = await candidates(api, req);
  } catch (err) {
    throw new ProviderError(
      `could not find out whether GitLab created the runner (the create request got no answer, and listing runners failed: ${errorText(err)}). ` +
        `Nothing was posted again, to avoid a duplicate runner. Look for a runner described "${req.fields.description ?? ""}" that has never contacted GitLab: ` +
        `set adoptRunnerId to its id to manage it, or delete it, then run pulumi up again.`,
      { cause: err, code: "creation_unconfirmed" },
    );
  }
  const wanted = req.fields.description ?? "";
  const pool = listed
    .filter(
      (r) =>
        (r.description ?? "") === wanted &&
        (!req.runnerType || !r.runnerType || r.runnerType === req.runnerType),
    )
    .sort((a, b) => b.id - a.id)
    .slice(0, MAX_CANDIDATES);
  const found: RunnerDetails[] = [];
  const unread: RunnerSummary[] = [];
  let readError: unknown;
  for (const item of pool) {
    try {
      const details = await api.getRunner(item.id);
      if (matchesRequest(details, req)) found.push(details);
    } catch (err) {
      if (hasCode(err, "not_found")) continue;
      unread.push(item);
      readError = err;
    }
  }
  if (unread.length > 0) throw new LookupIncomplete(req, found, unread, readError);
  return found;
}

/**
 * The look-up listed the candidates but could not read all of them: it carries what the
 * listing alone shows, so the caller can still recognise a single unmistakable candidate
 * rather than leave the runner unrecorded (a later `pulumi up` would post again: a duplicate).
 */
export class LookupIncomplete extends ProviderError {
  readonly found: RunnerDetails[];
  readonly unread: RunnerSummary[];

  constructor(req: CreationRequest, found: RunnerDetails[], unread: RunnerSummary[], cause: unknown) {
    super(
      `could not find out whether GitLab created the runner (the create request got no answer, and reading runner(s) ` +
        `${unread.map((r) => r.id).join(", ")} failed: ${errorText(cause)}). Nothing was posted again, to avoid a duplicate runner. ` +
        `Look for a runner described "${req.fields.description ?? ""}" that has never contacted GitLab: set adoptRunnerId to its id ` +
        "to manage it, or delete it, then run pulumi up again.",
      { cause, code: "creation_unconfirmed" },
    );
    this.found = found;
    this.unread = unread;
  }
}

/**
 * When the details cannot be read, whether a listed runner alone looks like the one the lost
 * POST created: the same description and type (already filtered), never contacted, and — where
 * GitLab reports it — created after the POST started. Used only when it is the only candidate.
 */
export function listedAsOurs(item: RunnerSummary, req: CreationRequest): boolean {
  if (item.status !== "never_contacted" && item.status !== "not_connected") return false;
  if (item.createdAt && Date.parse(item.createdAt) < req.startedAt - CLOCK_SKEW_MS) return false;
  return true;
}
