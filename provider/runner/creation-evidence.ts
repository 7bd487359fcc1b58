/**
 * Looking for the runner an interrupted creation made, by its creation mark (`creation-mark.ts`).
 *
 * Before a runner is created, the scope it will be created in is listed once per provider
 * process (not once per runner: a fleet of 200 runners in 10 projects costs 10 listings), and
 * each runner of that scope that may never have contacted GitLab is read once (GitLab's listing
 * does not show the note). A runner that carries this resource's mark and has never contacted
 * GitLab was created for this resource by an earlier attempt whose answer never reached the
 * stack: no runner process can hold its token. The caller takes it over instead of posting again.
 *
 * Scopes: `GET /projects/:id/runners?type=project_type`, `GET /groups/:id/runners?type=group_type`,
 * `GET /runners/all?type=instance_type`; for a registration token, whose scope only GitLab knows,
 * `GET /runners/all`, or `GET /runners` (the caller's own) for a token that is not an
 * administrator's. Listings and reads are cached per client (one client per provider process
 * and configuration); a failed one is not cached.
 */
import type { GitLabClient, RunnerDetails, RunnerSummary, RunnerType } from "../gitlab";
import { hasCode } from "../resource/errors";
import { clientBehind } from "../resource/lookups";
import { type CreationMark, splitNote } from "./creation-mark";

/** Where a runner is created. */
export type CreationScope =
  | { kind: "project"; projectId: number }
  | { kind: "group"; groupId: number }
  | { kind: "instance" }
  /** A registration token decides the scope. */
  | { kind: "registration" };

/** The GitLab operations the look-up needs. */
export type EvidenceClient = Pick<
  GitLabClient,
  "listRunners" | "listProjectRunners" | "listGroupRunners" | "getRunner"
>;

/**
 * Statuses of a runner that may never have contacted GitLab: `never_contacted` (13.x
 * `not_connected`), or `stale` (never contacted and older than the stale window, reference
 * §2.1). The details' `contacted_at` decides.
 */
const MAYBE_NEVER_CONTACTED = new Set(["never_contacted", "not_connected", "stale"]);

interface ClientCache {
  listings: Map<string, Promise<RunnerSummary[]>>;
  /** Runner id → its details (null: gone), read once. */
  details: Map<number, Promise<RunnerDetails | null>>;
}

const caches = new WeakMap<object, ClientCache>();

function cacheOf(api: object): ClientCache {
  // One cache per client, whichever wrapper of it (`rememberingRunners`) is passed.
  const client = clientBehind(api);
  let cache = caches.get(client);
  if (cache === undefined) {
    cache = { listings: new Map(), details: new Map() };
    caches.set(client, cache);
  }
  return cache;
}

function keyOf(scope: CreationScope): string {
  switch (scope.kind) {
    case "project":
      return `project:${scope.projectId}`;
    case "group":
      return `group:${scope.groupId}`;
    default:
      return scope.kind;
  }
}

function typeOf(scope: CreationScope): RunnerType | undefined {
  switch (scope.kind) {
    case "project":
      return "project_type";
    case "group":
      return "group_type";
    case "instance":
      return "instance_type";
    default:
      return undefined;
  }
}

async function list(api: EvidenceClient, scope: CreationScope): Promise<RunnerSummary[]> {
  switch (scope.kind) {
    case "project":
      return api.listProjectRunners(scope.projectId, { type: "project_type" });
    case "group":
      return api.listGroupRunners(scope.groupId, { type: "group_type" });
    case "instance":
      return api.listRunners({ scope: "all", type: "instance_type" });
    case "registration":
      try {
        return await api.listRunners({ scope: "all" });
      } catch (err) {
        // `/runners/all` is for administrators; others see the runners they own.
        if (!hasCode(err, "forbidden")) throw err;
        return api.listRunners({ scope: "owned" });
      }
  }
}

/** The scope's listing: once per client, or again when `fresh` (after a lost answer). */
function listing(api: EvidenceClient, scope: CreationScope, fresh: boolean): Promise<RunnerSummary[]> {
  const cache = cacheOf(api);
  const key = keyOf(scope);
  const cached = cache.listings.get(key);
  if (cached !== undefined && !fresh) return cached;
  const pending = list(api, scope);
  cache.listings.set(key, pending);
  pending.catch(() => {
    if (cache.listings.get(key) === pending) cache.listings.delete(key);
  });
  return pending;
}

/** A runner's details, read once per client; null when it is gone. */
function details(api: EvidenceClient, id: number): Promise<RunnerDetails | null> {
  const cache = cacheOf(api);
  const cached = cache.details.get(id);
  if (cached !== undefined) return cached;
  const pending = api.getRunner(id).catch((err: unknown) => {
    if (hasCode(err, "not_found")) return null;
    throw err;
  });
  cache.details.set(id, pending);
  pending.catch(() => {
    if (cache.details.get(id) === pending) cache.details.delete(id);
  });
  return pending;
}

/**
 * The never-contacted runners of `scope` that carry `mark`, lowest id first. `fresh` lists the
 * scope again (a lost answer may have created a runner since the cached listing); runners read
 * before are not read again. Throws the transport's error when the listing or a read fails:
 * without it, nobody can say that no such runner exists.
 */
export async function findMarkedRunners(
  api: EvidenceClient,
  scope: CreationScope,
  mark: CreationMark,
  options: { fresh?: boolean } = {},
): Promise<RunnerDetails[]> {
  const type = typeOf(scope);
  const candidates = (await listing(api, scope, options.fresh === true)).filter(
    (r) =>
      MAYBE_NEVER_CONTACTED.has(r.status) &&
      (type === undefined || r.runnerType === null || r.runnerType === type),
  );
  const read = await Promise.all(candidates.map((r) => details(api, r.id)));
  return read
    .filter((d): d is RunnerDetails => d !== null && d.contactedAt === null)
    .filter((d) => splitNote(d.maintenanceNote).mark?.hash === mark.hash)
    .sort((a, b) => a.id - b.id);
}

/** Forgets what was read about runner `id` (it was taken over or deleted). */
export function forgetRunner(api: EvidenceClient, id: number): void {
  cacheOf(api).details.delete(id);
}
