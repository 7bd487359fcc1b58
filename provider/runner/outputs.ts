/**
 * The Runner's outputs (what Pulumi stores as the resource's state) built from GitLab's runner
 * details, and the inputs those outputs imply (returned by `read` so `pulumi refresh` shows drift
 * against the program: docs/pulumi-engine.md §3, Pulumi ≥ 3.216). Which fields exist and what role
 * each plays comes from the description.
 */
import type { RunnerDetails, RunnerSettings } from "../gitlab";
import { fieldsWithRole, type OutputsOf } from "../resource/description";
import { ORIGIN_KEY, originOf, type ResourceOrigin } from "../resource/origin";
import type { RunnerInputs } from "./check";
import { splitNote } from "./creation-mark";
import { type RunnerDescription, runnerDescription } from "./description";

/** The settings GitLab lets us set on a runner, as the program names them. */
export const SETTINGS = fieldsWithRole(runnerDescription, "setting");
/** One of {@link SETTINGS}. */
export type RunnerSetting = (typeof SETTINGS)[number];

/** The inputs that say how the runner came to exist: changing them replaces it. */
export const IDENTITY = fieldsWithRole(runnerDescription, "identity");

// Every setting is a field of GitLab's runner details (read back) and of the transport's settings
// (sent): a setting added to the description that either lacks does not compile.
type SettingsAreRead = Pick<RunnerDetails, RunnerSetting>;
type SettingsAreSent = Pick<RunnerSettings, RunnerSetting>;

export type { SettingsAreRead, SettingsAreSent };

/**
 * The Runner's outputs, as the description defines them, plus the hidden `__origin` (the
 * resource's URN and organization, `provider/resource/origin.ts`): not a field of the resource,
 * kept so refresh and destroy know the stack whose configuration to read.
 */
export type RunnerOutputs = OutputsOf<RunnerDescription> & { [ORIGIN_KEY]?: ResourceOrigin };

/** How a runner came to exist. */
export type CreationWay = "registrationToken" | "runnerType" | "adoptRunnerId";

export interface OutputContext {
  /** The validated inputs the runner was created or updated with. */
  inputs?: Partial<RunnerInputs>;
  /** The previous outputs (read, update). */
  previous?: Partial<RunnerOutputs>;
  /** A token GitLab just returned (create, rotation). */
  token?: { token: string; tokenExpiresAt: string | null };
  /** The resource's origin (create, update); else the previous outputs' is kept. */
  origin?: ResourceOrigin | undefined;
}

/** A setting's value as the state stores it: tags sorted (a set), the rest as GitLab reports them. */
function settingOf(details: RunnerDetails, name: RunnerSetting): unknown {
  const value = details[name];
  return name === "tagList" ? [...(value as string[])].sort() : value;
}

/** Builds the full outputs from the runner details plus what only we know. */
export function buildOutputs(details: RunnerDetails, ctx: OutputContext): RunnerOutputs {
  const prev = ctx.previous ?? {};
  const inputs = ctx.inputs ?? {};
  const identity = pickIdentity(ctx.inputs ? inputs : prev);
  // Which settings the program gives; a read (no inputs) keeps what the last create or update saw.
  const managedSettings = ctx.inputs
    ? SETTINGS.filter((name) => inputs[name] !== undefined)
    : (prev.managedSettings ?? [...SETTINGS]);
  const tokenRotation = ctx.inputs ? inputs.tokenRotation : prev.tokenRotation;
  const authenticationToken = ctx.token?.token ?? prev.authenticationToken;
  const settings: Record<string, unknown> = {};
  for (const name of SETTINGS) settings[name] = settingOf(details, name);
  // GitLab answers `maintenance_note: null` to callers who cannot update the runner, and 13.x has no
  // note at all (docs/gitlab-api.md §3.2): null means "not visible", so keep what we last set instead of
  // recording a difference that would never go away. A visible note is the program's part of
  // it: the creation mark at its end is the provider's (`creation-mark.ts`).
  settings.maintenanceNote =
    details.maintenanceNote === null
      ? (inputs.maintenanceNote ?? prev.maintenanceNote ?? null)
      : splitNote(details.maintenanceNote).programNote;
  const origin = ctx.origin ?? originOf(prev as Record<string, unknown>);
  // Newest servers omit `projects` from PUT responses (docs/gitlab-api.md §3.2): keep the last known list.
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
    managedSettings,
    groups: (details.groups ?? prev.groups ?? []).map((g) => ({ id: g.id, name: g.name ?? null })),
    ...(settings as Pick<RunnerOutputs, RunnerSetting>),
    ...identity,
    ...(tokenRotation !== undefined ? { tokenRotation } : {}),
    ...(origin !== undefined ? { [ORIGIN_KEY]: origin } : {}),
  };
}

/** The identity inputs to keep in the outputs (`runnerType` is always there, as GitLab reports it). */
function pickIdentity(src: Partial<RunnerInputs> | Partial<RunnerOutputs>): Partial<RunnerOutputs> {
  const out: Record<string, unknown> = {};
  for (const name of IDENTITY) {
    if (name !== "runnerType" && src[name] !== undefined) out[name] = src[name];
  }
  return out as Partial<RunnerOutputs>;
}

/**
 * The inputs a runner's state must keep whatever GitLab reports: how it came to exist (its
 * identity, `runnerType` included) and `tokenRotation`. Used where the runner exists but could
 * not be read.
 */
export function recordedInputs(inputs: Partial<RunnerInputs>): Partial<RunnerOutputs> {
  const out: Record<string, unknown> = {};
  for (const name of IDENTITY) if (inputs[name] !== undefined) out[name] = inputs[name];
  if (inputs.tokenRotation !== undefined) out.tokenRotation = inputs.tokenRotation;
  return out as Partial<RunnerOutputs>;
}

/** How the runner in these outputs came to exist. */
export function creationWay(o: Partial<RunnerOutputs>): CreationWay {
  if (o.adoptRunnerId !== undefined) return "adoptRunnerId";
  if (o.registrationToken !== undefined) return "registrationToken";
  return "runnerType";
}

/**
 * The inputs that the live runner implies: every setting the program manages as GitLab reports
 * it, plus how it came to exist and `tokenRotation` from the state. Returned by `read` so refresh
 * records drift in the inputs too, and a later preview shows it against the program. A setting
 * the program leaves out stays out: GitLab's value of it is not a difference `up` would undo.
 */
export function impliedInputs(o: RunnerOutputs): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  if (creationWay(o) === "runnerType") inputs.runnerType = o.runnerType;
  for (const name of IDENTITY) if (name !== "runnerType" && o[name] !== undefined) inputs[name] = o[name];
  const managed = new Set<string>(o.managedSettings ?? SETTINGS);
  // A setting GitLab reports no value for (null) implies no input.
  for (const name of SETTINGS) if (managed.has(name) && o[name] !== null) inputs[name] = o[name];
  if (o.assignedProjects !== undefined) inputs.assignedProjects = o.assignedProjects;
  if (o.tokenRotation !== undefined) inputs.tokenRotation = o.tokenRotation;
  // The hidden origin is the program's input too: refresh keeps it (provider/resource/origin.ts).
  if (o[ORIGIN_KEY] !== undefined) inputs[ORIGIN_KEY] = o[ORIGIN_KEY];
  return inputs;
}
