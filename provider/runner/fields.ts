/**
 * The settings the program gives, as the transport sends them (`RunnerSettings`, camelCase; the
 * transport maps them to GitLab's parameters per server version).
 */
import type { RunnerDetails, RunnerSettings } from "../gitlab";
import type { RunnerInputs } from "./check";
import { splitNote } from "./creation-mark";
import { fieldDiffers } from "./diff";
import { type RunnerSetting, SETTINGS } from "./outputs";

/** The settings the program gives, restricted to `only` when given. */
export function fieldsFrom(inputs: Partial<RunnerInputs>, only?: readonly RunnerSetting[]): RunnerSettings {
  const out: Record<string, unknown> = {};
  for (const f of only ?? SETTINGS) {
    const v = inputs[f];
    if (v === undefined) continue;
    out[f] = Array.isArray(v) ? [...v] : v;
  }
  return out as RunnerSettings;
}

/** The settings whose program value differs from GitLab's (for adoption and reconciliation). */
export function differingFields(inputs: Partial<RunnerInputs>, live: RunnerDetails): RunnerSetting[] {
  return SETTINGS.filter((f) => {
    // A note GitLab hides from this caller (null) cannot be compared; it is sent anyway.
    if (f === "maintenanceNote") {
      if (live.maintenanceNote === null) return inputs.maintenanceNote !== undefined;
      // The creation mark at the note's end is the provider's, not the program's.
      return fieldDiffers(f, inputs[f], splitNote(live.maintenanceNote).programNote);
    }
    return fieldDiffers(f, inputs[f], live[f]);
  });
}
