/**
 * `diff`: per field, against the old *outputs* (the dynamic-provider host passes outputs as
 * `olds`, so a refresh that recorded an out-of-band change makes the next `up` restore it).
 * Only how the runner came to exist replaces it (DESIGN.md decision 10); a field the program
 * leaves out is not managed and never differs.
 */
import {
  type CREATION_FIELDS,
  creationWay,
  RUNNER_FIELDS,
  type RunnerField,
  type RunnerOutputs,
} from "./outputs";
import { isUnknown, sameTags } from "./values";

export interface RunnerDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The settable fields whose value differs (what an update would PUT). */
  fields: RunnerField[];
  /** True when `tokenRotation` has a new value (an update resets the token). */
  rotate: boolean;
}

type Bag = Record<string, unknown>;

/** The inputs that identify the runner, per way it came to exist. */
const WAY_FIELDS = {
  registrationToken: ["registrationToken"],
  runnerType: ["runnerType", "groupId", "projectId"],
  adoptRunnerId: ["adoptRunnerId"],
} as const satisfies Record<string, readonly (typeof CREATION_FIELDS)[number][]>;

/** Whether the program's value for a field differs from the one GitLab last reported. */
export function fieldDiffers(field: RunnerField, desired: unknown, current: unknown): boolean {
  if (desired === undefined || desired === null) return false;
  if (isUnknown(desired)) return true;
  switch (field) {
    case "tagList":
      return !sameTags(desired as string[], (current as string[] | null | undefined) ?? []);
    case "description":
    case "maintenanceNote":
      // GitLab stores an empty text as "" or null depending on version; both mean "none".
      return (desired as string) !== ((current as string | null | undefined) ?? "");
    default:
      return desired !== current;
  }
}

function wayOf(news: Bag): "registrationToken" | "runnerType" | "adoptRunnerId" | undefined {
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
        const before = k === "runnerType" ? old.runnerType : old[k];
        if (now === undefined && before === undefined) continue;
        if (isUnknown(now) || String(now) !== String(before)) replaces.push(k);
      }
    }
  }
  const fields = RUNNER_FIELDS.filter((f) => fieldDiffers(f, news[f], old[f]));
  const rotate =
    news.tokenRotation !== undefined &&
    (isUnknown(news.tokenRotation) || news.tokenRotation !== old.tokenRotation);
  // Dropping tokenRotation from the program changes nothing in GitLab but is recorded.
  const rotationForgotten = news.tokenRotation === undefined && old.tokenRotation !== undefined;
  return {
    changes:
      replaces.length > 0 ||
      fields.length > 0 ||
      rotate ||
      rotationForgotten ||
      adoptsItselfChanged(adoptsItself, old, news),
    replaces,
    deleteBeforeReplace: false,
    fields,
    rotate,
  };
}

/** Switching an existing resource to adopt its own runner only rewrites the state. */
function adoptsItselfChanged(adoptsItself: boolean, old: Partial<RunnerOutputs>, news: Bag): boolean {
  return adoptsItself && old.adoptRunnerId !== news.adoptRunnerId;
}
