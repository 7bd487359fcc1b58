/**
 * The Runner's outputs (what Pulumi stores as the resource's state) built from GitLab's runner
 * details, and the inputs those outputs imply (returned by `read` so `pulumi refresh` shows drift
 * against the program: pulumi-engine.md §3, Pulumi ≥ 3.216).
 */
import type { AccessLevel, RunnerDetailsView, RunnerType } from "./api";
import type { RunnerInputs } from "./schema";

/** The fields GitLab lets us set on a runner, as the program names them. */
export const RUNNER_FIELDS = [
  "description",
  "paused",
  "locked",
  "runUntagged",
  "tagList",
  "accessLevel",
  "maximumTimeout",
  "maintenanceNote",
] as const;
export type RunnerField = (typeof RUNNER_FIELDS)[number];

/** The inputs that say how the runner came to exist: changing them replaces it. */
export const CREATION_FIELDS = [
  "registrationToken",
  "runnerType",
  "groupId",
  "projectId",
  "adoptRunnerId",
] as const;

export interface RunnerOutputs {
  runnerId: number;
  /** The runner's authentication token; absent for an adopted runner until a rotation. */
  authenticationToken?: string;
  tokenExpiresAt: string | null;
  runnerType: RunnerType;
  isShared: boolean;
  status: string;
  online: boolean | null;
  contactedAt: string | null;
  projects: { id: number; pathWithNamespace: string }[];
  groups: { id: number; name: string | null }[];
  description: string | null;
  paused: boolean;
  locked: boolean;
  runUntagged: boolean;
  tagList: string[];
  accessLevel: AccessLevel;
  maximumTimeout: number | null;
  maintenanceNote: string | null;
  // How it came to exist, kept from the inputs so diff (which sees old *outputs*) and read (which
  // must return the implied inputs) know them.
  registrationToken?: string;
  groupId?: number | string;
  projectId?: number | string;
  adoptRunnerId?: number;
  tokenRotation?: string;
}

export interface OutputContext {
  /** The validated inputs the runner was created or updated with. */
  inputs?: Partial<RunnerInputs>;
  /** The previous outputs (read, update). */
  previous?: Partial<RunnerOutputs>;
  /** A token GitLab just returned (create, rotation). */
  token?: { token: string; tokenExpiresAt: string | null };
}

/** Builds the full outputs from the runner details plus what only we know. */
export function buildOutputs(details: RunnerDetailsView, ctx: OutputContext): RunnerOutputs {
  const prev = ctx.previous ?? {};
  const inputs = ctx.inputs ?? {};
  const creation = ctx.inputs ? pickCreation(inputs) : pickCreation(prev);
  const tokenRotation = ctx.inputs ? inputs.tokenRotation : prev.tokenRotation;
  const authenticationToken = ctx.token?.token ?? prev.authenticationToken;
  // GitLab answers `maintenance_note: null` to callers who cannot update the runner, and 13.x has no
  // note at all (reference §3.2): null means "not visible", so keep what we last set instead of
  // recording a difference that would never go away.
  const maintenanceNote = details.maintenanceNote ?? inputs.maintenanceNote ?? prev.maintenanceNote ?? null;
  // Newest servers omit `projects` from PUT responses (reference §3.2): keep the last known list.
  const projects = details.projects
    ? details.projects.map((p) => ({ id: p.id, pathWithNamespace: p.pathWithNamespace }))
    : (prev.projects ?? []);
  return {
    runnerId: details.id,
    ...(authenticationToken !== undefined ? { authenticationToken } : {}),
    tokenExpiresAt: ctx.token ? ctx.token.tokenExpiresAt : (prev.tokenExpiresAt ?? null),
    runnerType: details.runnerType,
    isShared: details.isShared,
    status: details.status,
    online: details.online,
    contactedAt: details.contactedAt,
    projects,
    groups: (details.groups ?? prev.groups ?? []).map((g) => ({ id: g.id, name: g.name ?? null })),
    description: details.description,
    paused: details.paused,
    locked: details.locked,
    runUntagged: details.runUntagged,
    tagList: [...details.tagList].sort(),
    accessLevel: details.accessLevel,
    maximumTimeout: details.maximumTimeout,
    maintenanceNote,
    ...creation,
    ...(tokenRotation !== undefined ? { tokenRotation } : {}),
  };
}

function pickCreation(src: Partial<RunnerInputs> | Partial<RunnerOutputs>) {
  const out: Pick<RunnerOutputs, "registrationToken" | "groupId" | "projectId" | "adoptRunnerId"> = {};
  if (src.registrationToken !== undefined) out.registrationToken = src.registrationToken;
  if (src.groupId !== undefined) out.groupId = src.groupId;
  if (src.projectId !== undefined) out.projectId = src.projectId;
  if (src.adoptRunnerId !== undefined) out.adoptRunnerId = src.adoptRunnerId;
  return out;
}

/** How the runner in these outputs came to exist. */
export function creationWay(o: Partial<RunnerOutputs>): "registrationToken" | "runnerType" | "adoptRunnerId" {
  if (o.adoptRunnerId !== undefined) return "adoptRunnerId";
  if (o.registrationToken !== undefined) return "registrationToken";
  return "runnerType";
}

/**
 * The inputs that the live runner implies: every settable field as GitLab reports it, plus how it
 * came to exist and `tokenRotation` from the state. Returned by `read` so refresh records drift
 * in the inputs too, and a later preview shows it against the program.
 */
export function impliedInputs(o: RunnerOutputs): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const way = creationWay(o);
  if (way === "runnerType") inputs.runnerType = o.runnerType;
  for (const k of CREATION_FIELDS) if (k !== "runnerType" && o[k] !== undefined) inputs[k] = o[k];
  if (o.description !== null) inputs.description = o.description;
  inputs.paused = o.paused;
  inputs.locked = o.locked;
  inputs.runUntagged = o.runUntagged;
  inputs.tagList = o.tagList;
  inputs.accessLevel = o.accessLevel;
  if (o.maximumTimeout !== null) inputs.maximumTimeout = o.maximumTimeout;
  if (o.maintenanceNote !== null) inputs.maintenanceNote = o.maintenanceNote;
  if (o.tokenRotation !== undefined) inputs.tokenRotation = o.tokenRotation;
  return inputs;
}
