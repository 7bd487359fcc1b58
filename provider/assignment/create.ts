/**
 * `create`: `POST /projects/:id/runners` (docs/gitlab-api.md §8.1), one request where GitLab
 * itself guards what must not happen.
 *
 * A group or instance runner is never assigned: GitLab ≥ 14 refuses both itself (403 "Runner is
 * a group runner", 400 "Transitioning an instance runner to a project runner is not supported",
 * docs/gitlab-api.md §2), but GitLab 13.x silently turns an instance runner into a project runner
 * when an administrator enables it on a project — a change nobody asked for. So the runner's
 * type must be known before posting to 13.x (or to a GitLab whose version this token may not
 * read): from the details this process already has (the preview-time check, or the Runner's own
 * create, update or refresh remembered them, `resource/lookups.ts`), else from
 * `GET /runners/:id`. With the details known, a group or instance runner is refused before
 * GitLab is asked, and a runner that already lists the project is adopted without a POST. When
 * this token may not read the runner, the POST's own answer decides.
 */
import type { GitLabClient, RunnerDetails } from "../gitlab";
import { hasCode } from "../resource/errors";
import { knownRunner, lookUpRunner, lookUpUser } from "../resource/lookups";
import { samePath } from "../resource/paths";
import { enableOnProject } from "../runner-projects/enable";
import {
  describeProject,
  groupRunner,
  instanceRunner,
  lockedRunner,
  resolveTarget,
  runnerNotFound,
  runnerTypeOf,
  unassignableType,
} from "../runner-projects/explain";
import { parseAssignmentInputs } from "./check";
import { type AssignmentOutputs, assignmentResult } from "./outputs";

export {
  explainAssignFailure,
  groupRunner,
  instanceRunner,
  resolveTarget,
  runnerNotFound,
  runnerTypeOf,
} from "../runner-projects/explain";

/** The GitLab operations assigning a runner needs. */
export type AssignClient = Pick<
  GitLabClient,
  "resolveProject" | "getRunner" | "enableProjectRunner" | "getVersion"
>;

/**
 * The preview-time check of the runner an assignment names, when it exists already (its id is
 * known): GitLab never assigns a group or instance runner to a project, and a runner that does
 * not exist cannot be assigned. A token that may not read the runner leaves it to the POST.
 */
export async function runnerChecked(
  api: Pick<GitLabClient, "getRunner" | "getCurrentUser">,
  runnerId: unknown,
  project: unknown,
): Promise<{ property: string; reason: string }[]> {
  if (typeof runnerId !== "number") return [];
  const where =
    typeof project === "number" || typeof project === "string" ? describeProject(project) : "a project";
  try {
    const details = await lookUpRunner(api, runnerId);
    const type = runnerTypeOf(details);
    if (type === "group_type")
      return [{ property: "runnerId", reason: groupRunner(runnerId, where).message }];
    if (type === "instance_type")
      return [{ property: "runnerId", reason: instanceRunner(runnerId, where).message }];
    // GitLab lets only an administrator assign a locked runner (assign_runner_service.rb); it
    // shows `is_admin` to administrators only, so a user it does not show it to is not one.
    const linked = details.projects?.some(
      (p) => p.id === project || (typeof project === "string" && samePath(p.pathWithNamespace, project)),
    );
    if (details.locked && !linked) {
      const user = await lookUpUser(api).catch(() => undefined);
      if (user && user.isAdmin !== true) {
        return [{ property: "runnerId", reason: lockedRunner(runnerId, where).message }];
      }
    }
    return [];
  } catch (err) {
    if (hasCode(err, "not_found"))
      return [{ property: "runnerId", reason: runnerNotFound(runnerId, err).message }];
    return [];
  }
}

/**
 * Whether GitLab itself refuses to turn an instance runner into a project runner (14.0 and
 * later), so a POST needs no pre-check. Unknown (a token that may not read `/version`) is no.
 */
async function refusesConversion(api: Pick<GitLabClient, "getVersion">): Promise<boolean> {
  try {
    return (await api.getVersion()).major >= 14;
  } catch {
    return false;
  }
}

/** The runner's details for the pre-check: remembered, or read when GitLab would not guard the POST. */
async function detailsBeforePost(api: AssignClient, runnerId: number): Promise<RunnerDetails | undefined> {
  const known = knownRunner(api, runnerId);
  try {
    if (known) return await known;
    if (await refusesConversion(api)) return undefined;
    return await lookUpRunner(api, runnerId);
  } catch (err) {
    if (hasCode(err, "not_found")) throw runnerNotFound(runnerId, err);
    // A Maintainer of the target project may be unable to read the runner; the POST decides.
    if (!hasCode(err, "forbidden") && !hasCode(err, "insufficient_scope")) throw err;
    return undefined;
  }
}

/** `create` for the ProjectRunnerAssignment resource. */
export async function createAssignment(
  api: AssignClient,
  inputs: Record<string, unknown>,
): Promise<{ id: string; outs: AssignmentOutputs }> {
  const { project, runnerId } = parseAssignmentInputs(inputs);
  const target = await resolveTarget(api, project);
  const where = describeProject(project, target);

  const details = await detailsBeforePost(api, runnerId);
  if (details) {
    const refused = unassignableType(details, runnerId, where);
    if (refused) throw refused;
    // GitLab already matches the program: adopt.
    if (details.projects?.some((p) => p.id === target.id))
      return assignmentResult(project, target, runnerId, true);
  }
  const { preExisting } = await enableOnProject(api, runnerId, project, target, details, "assignment");
  return assignmentResult(project, target, runnerId, preExisting);
}
