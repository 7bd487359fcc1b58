/**
 * `update`: `PUT /runners/:id` with only the fields that changed, then the token reset when
 * `tokenRotation` changed. Always returns the full outputs: an empty result would wipe the state
 * down to `__provider` (docs/pulumi-engine.md §3, pulumi/pulumi#9982).
 */
import type { GitLabClient, RunnerDetails } from "../gitlab";
import { errorText, PartialStateError } from "../resource/errors";
import { originOf } from "../resource/origin";
import { parseRunnerInputs } from "./check";
import { composeNote, markFor, splitNote } from "./creation-mark";
import { diffRunner } from "./diff";
import { fieldsFrom } from "./fields";
import { buildOutputs, type RunnerOutputs } from "./outputs";
import { resetTokenSafely } from "./reset-token";

/** `update` for the Runner resource. `olds` are the old outputs, `news` the checked inputs. */
export async function updateRunner(
  api: Pick<GitLabClient, "updateRunner" | "getRunner" | "resetRunnerToken">,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ outs: RunnerOutputs }> {
  const inputs = parseRunnerInputs(news);
  const runnerId = Number(id);
  const previous = olds as Partial<RunnerOutputs>;
  const { fields, rotate } = diffRunner(id, olds, news);
  const origin = originOf(news) ?? originOf(olds);

  let details: RunnerDetails;
  if (fields.length > 0) {
    // `paused` goes as `paused`, or as `active` on servers without it, never both (decision 7):
    // the transport picks per server version.
    const changes = fieldsFrom(inputs, fields);
    // A new note keeps the creation mark at its end (`creation-mark.ts`).
    if (changes.maintenanceNote !== undefined && origin !== undefined)
      changes.maintenanceNote = composeNote(splitNote(changes.maintenanceNote).programNote, markFor(origin));
    details = await api.updateRunner(runnerId, changes);
  } else {
    details = await api.getRunner(runnerId);
  }
  // Newest servers leave `projects` out of PUT answers; buildOutputs keeps the previous list.
  let outs = buildOutputs(details, { inputs, previous, origin });
  if (rotate) {
    try {
      const token = await resetTokenSafely(api, runnerId);
      outs = buildOutputs(details, { inputs, previous, token, origin });
    } catch (err) {
      // The PUT took effect: record it (the host turns an error with `id` into a partial update),
      // keeping the old tokenRotation so the next `up` tries the rotation again.
      const { tokenRotation: _skip, ...kept } = outs;
      const properties = {
        ...kept,
        ...(previous.tokenRotation !== undefined ? { tokenRotation: previous.tokenRotation } : {}),
      };
      throw new PartialStateError(
        `runner ${runnerId}: resetting its authentication token failed: ${errorText(err)}`,
        { id, properties, cause: err },
      );
    }
  }
  return { outs };
}
