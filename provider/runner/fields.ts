/**
 * Converts between the program's inputs and the runner fields the transport sends.
 */
import type { RunnerDetailsView, RunnerFields } from "./api";
import { fieldDiffers } from "./diff";
import { RUNNER_FIELDS, type RunnerField } from "./outputs";
import type { RunnerInputs } from "./schema";

/** The settable fields the program gives, restricted to `only` when given. */
export function fieldsFrom(inputs: Partial<RunnerInputs>, only?: readonly RunnerField[]): RunnerFields {
  const out: RunnerFields = {};
  for (const f of only ?? RUNNER_FIELDS) {
    const v = inputs[f];
    if (v === undefined) continue;
    (out as Record<string, unknown>)[f] = f === "tagList" ? [...(v as string[])] : v;
  }
  return out;
}

/** The settable fields whose program value differs from GitLab's (for adoption and reconciliation). */
export function differingFields(inputs: Partial<RunnerInputs>, live: RunnerDetailsView): RunnerField[] {
  return RUNNER_FIELDS.filter((f) => {
    // A note GitLab hides from this caller (null) cannot be compared; it is sent anyway.
    if (f === "maintenanceNote" && live.maintenanceNote === null) return inputs.maintenanceNote !== undefined;
    return fieldDiffers(f, inputs[f], live[f]);
  });
}
