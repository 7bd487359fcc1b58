/**
 * `diff`: per field, against the old *outputs* (the dynamic-provider host passes outputs as
 * `olds`, so a refresh that recorded an out-of-band change makes the next `up` restore it).
 * Only how the runner came to exist replaces it (docs/design.md decision 10); a setting the program
 * leaves out is not managed and never differs.
 */
import type { Bag } from "../resource/check";
import { changeOf, type PlannedDiff, settingDiffers } from "../resource/diff";
import { isUnknown } from "../resource/host-values";
import { runnerDescription } from "./description";
import { type CreationWay, creationWay, type RunnerOutputs, type RunnerSetting, SETTINGS } from "./outputs";

export interface RunnerDiff extends PlannedDiff {
  /** The settings whose value differs (what an update would PUT). */
  fields: RunnerSetting[];
  /** True when `tokenRotation` has a new value (an update resets the token). */
  rotate: boolean;
}

/** The inputs that identify the runner, per way it came to exist. */
const WAY_FIELDS = {
  registrationToken: ["registrationToken"],
  runnerType: ["runnerType", "groupId", "projectId"],
  adoptRunnerId: ["adoptRunnerId"],
} as const satisfies Record<CreationWay, readonly (keyof RunnerOutputs)[]>;

/**
 * The outputs an in-place update never changes: what GitLab assigned at creation, the links it
 * keeps, and how the runner came to exist; the token too, unless this update rotates it.
 */
const STABLE_ON_UPDATE = [
  "runnerId",
  "runnerType",
  "isShared",
  "projects",
  "groups",
  "registrationToken",
  "groupId",
  "projectId",
  "adoptRunnerId",
] as const satisfies readonly (keyof RunnerOutputs)[];
const TOKEN_OUTPUTS = [
  "authenticationToken",
  "tokenExpiresAt",
] as const satisfies readonly (keyof RunnerOutputs)[];

/** Whether the program's value for a setting differs from the one GitLab last reported. */
export function fieldDiffers(field: RunnerSetting, desired: unknown, current: unknown): boolean {
  return settingDiffers(runnerDescription.fields[field], desired, current);
}

function wayOf(news: Bag): CreationWay | undefined {
  if (news.adoptRunnerId !== undefined) return "adoptRunnerId";
  if (news.registrationToken !== undefined) return "registrationToken";
  if (news.runnerType !== undefined) return "runnerType";
  return undefined;
}

/** Compares old outputs with new inputs. `id` is the runner id the state records. */
export function diffRunner(id: string, olds: Bag, news: Bag): RunnerDiff {
  const old = olds as Partial<RunnerOutputs>;
  const replaces: string[] = [];
  const newWay = wayOf(news);
  const oldWay = creationWay(old);
  // Adopting the runner this resource already manages (e.g. moving from registrationToken to
  // adoptRunnerId with the same id) is not a new runner: nothing to replace.
  const adoptsItself =
    newWay === "adoptRunnerId" && !isUnknown(news.adoptRunnerId) && String(news.adoptRunnerId) === id;
  if (!adoptsItself && newWay !== undefined) {
    if (newWay !== oldWay) {
      replaces.push(newWay);
    } else {
      for (const k of WAY_FIELDS[newWay]) {
        const now = news[k];
        const before = old[k];
        if (now === undefined && before === undefined) continue;
        if (isUnknown(now) || String(now) !== String(before)) replaces.push(k);
      }
    }
  }
  const fields = SETTINGS.filter((f) => fieldDiffers(f, news[f], old[f]));
  const rotate =
    news.tokenRotation !== undefined &&
    (isUnknown(news.tokenRotation) || news.tokenRotation !== old.tokenRotation);
  // Dropping tokenRotation from the program changes nothing in GitLab but is recorded.
  const rotationForgotten = news.tokenRotation === undefined && old.tokenRotation !== undefined;
  // Switching an existing resource to adopt its own runner only rewrites the state.
  const adoptionRecorded = adoptsItself && old.adoptRunnerId !== news.adoptRunnerId;

  const detailedDiff: RunnerDiff["detailedDiff"] = {};
  for (const k of replaces) detailedDiff[k] = changeOf(old[k as keyof RunnerOutputs], news[k], true);
  for (const f of fields) detailedDiff[f] = changeOf(old[f], news[f], false);
  if (rotate || rotationForgotten)
    detailedDiff.tokenRotation = changeOf(old.tokenRotation, news.tokenRotation, false);
  if (adoptionRecorded) detailedDiff.adoptRunnerId = changeOf(old.adoptRunnerId, news.adoptRunnerId, false);
  const stables = replaces.length > 0 ? [] : [...STABLE_ON_UPDATE, ...(rotate ? [] : TOKEN_OUTPUTS)];
  return {
    changes: replaces.length > 0 || fields.length > 0 || rotate || rotationForgotten || adoptionRecorded,
    replaces,
    stables,
    // Always delete-first (the engine uses it only when replacing): the replacement's creation
    // is recognised by a mark derived from the resource's URN, which the old runner carries too
    // (creation-mark.ts), so the two must never exist side by side.
    deleteBeforeReplace: true,
    detailedDiff,
    fields,
    rotate,
  };
}
