/**
 * Enabling a runner on a project: `POST /projects/:id/runners` (docs/gitlab-api.md §8.1), for a
 * `ProjectRunnerAssignment` and for a `Runner`'s `assignedProjects` alike.
 *
 * GitLab answers a link that already exists with a 400 "has already been taken": the link is
 * adopted. A POST whose answer was lost may have been applied; enabling is safe to repeat (a
 * duplicate is that 400, never a second link), so it is asked once more, and "already taken"
 * then means the first request made it.
 */
import type { GitLabClient, RunnerDetails } from "../gitlab";
import { hasCode, isOutcomeUnknown } from "../resource/errors";
import { amendRunnerProjects, lookUpRunner } from "../resource/lookups";
import { explainAssignFailure, isNoAccess, type ProjectRef, type Via } from "./explain";

/** The GitLab operations enabling a runner needs. */
export type EnableClient = Pick<GitLabClient, "enableProjectRunner" | "getRunner">;

/**
 * Enables runner `runnerId` on `target` (named `project` by the program). `preExisting` is true
 * when GitLab already had the link. A refusal is explained; `details` (when known) sharpens the
 * explanation, and a bare "No access granted" is looked into with the runner's details.
 */
export async function enableOnProject(
  api: EnableClient,
  runnerId: number,
  project: number | string,
  target: ProjectRef,
  details: Pick<RunnerDetails, "runnerType" | "isShared"> | undefined,
  via: Via,
): Promise<{ preExisting: boolean }> {
  const explain = async (err: unknown) => {
    // An instance runner refused to a non-administrator reads "No access granted", as does a
    // project runner of a project the user does not maintain: the runner's type tells which.
    const known =
      details ?? (isNoAccess(err) ? await lookUpRunner(api, runnerId).catch(() => undefined) : undefined);
    return explainAssignFailure(err, runnerId, project, target, known, via);
  };
  const made = (preExisting: boolean) => {
    amendRunnerProjects(api, runnerId, {
      added: { id: target.id, pathWithNamespace: target.pathWithNamespace },
    });
    return { preExisting };
  };
  try {
    await api.enableProjectRunner(target.id, runnerId);
  } catch (err) {
    if (hasCode(err, "already_assigned")) return made(true);
    if (!isOutcomeUnknown(err)) throw await explain(err);
    try {
      await api.enableProjectRunner(target.id, runnerId);
    } catch (again) {
      if (hasCode(again, "already_assigned")) return made(false);
      throw await explain(again);
    }
  }
  return made(false);
}
