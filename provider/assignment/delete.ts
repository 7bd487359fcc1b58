/**
 * `delete`: `DELETE /projects/:id/runners/:runner_id` (docs/gitlab-api.md §8.2). A 404 (runner not
 * enabled there any more, runner or project gone) is success (docs/design.md decision 10).
 *
 * GitLab keeps a project runner on at least one project: up to 17.x it refuses to remove the
 * runner's last project, and 18.x refuses to remove its owner project (the project it was
 * created in; app/services/ci/runners/unassign_runner_service.rb). That link goes when the
 * runner goes, so destroy does not fail on it: the resource leaves the stack and a warning says
 * what stays in GitLab and why. Any other refusal is an error.
 */
import type { GitLabClient } from "../gitlab";
import { gitlabMessageText, gitlabSays, hasCode, ProviderError } from "../resource/errors";
import type { AssignmentKey } from "./id";
import { type AssignmentOutputs, describeProject } from "./outputs";
import { assignmentKey } from "./read";
import { REASON } from "./refusals";

/** The GitLab operations removing an assignment needs. */
export type UnassignClient = Pick<GitLabClient, "disableProjectRunner" | "getRunner">;

/** Reports a warning (the engine's log in production). */
export type Warn = (message: string) => void;

/**
 * 18.x answers a non-administrator who tries to unassign the owner project with the generic
 * 403 "No access granted" (unassign_runner_service.rb checks `can?(:unassign_runner)`, which
 * is false for the owner project). It is the owner project when this resource adopted the link
 * (GitLab had it before us, as it has the project a runner was created in), or when it is the
 * runner's only, or first-listed, project (GitLab lists projects in link order; the owner was
 * linked first).
 */
async function looksLikeOwnerProject(
  api: Pick<GitLabClient, "getRunner">,
  key: AssignmentKey,
  props: Partial<AssignmentOutputs>,
): Promise<boolean> {
  if (props.preExisting === true) return true;
  try {
    const details = await api.getRunner(key.runnerId);
    const projects = details.projects ?? [];
    return projects[0]?.id === key.projectId;
  } catch {
    return false;
  }
}

/** `delete` for the ProjectRunnerAssignment resource. */
export async function deleteAssignment(
  api: UnassignClient,
  id: string,
  props: Record<string, unknown>,
  warn: Warn,
): Promise<void> {
  const key = assignmentKey(id, props);
  const previous = props as Partial<AssignmentOutputs>;
  const where = previous.projectPath
    ? `project ${previous.projectPath} (id ${key.projectId})`
    : describeProject(key.projectId);
  try {
    await api.disableProjectRunner(key.projectId, key.runnerId);
    return;
  } catch (err) {
    if (hasCode(err, "not_found")) return;
    if (!hasCode(err, "forbidden")) throw err;
    const text = gitlabMessageText(err);
    const keeps = `GitLab keeps runner ${key.runnerId} enabled on ${where}`;
    const after =
      "This ProjectRunnerAssignment is removed from the stack; the link goes when the runner is deleted " +
      "(delete its gitlab.Runner, or the runner in GitLab).";
    if (REASON.onlyProject.test(text)) {
      warn(
        `${keeps}: it is the runner's only project, and GitLab does not remove a runner's last project (${gitlabSays(err)}). ${after}`,
      );
      return;
    }
    if (
      REASON.ownerProject.test(text) ||
      (REASON.noAccess.test(text) && (await looksLikeOwnerProject(api, key, previous)))
    ) {
      warn(
        `${keeps}: it is the runner's owner project (the project it was created in), which GitLab does not unassign (${gitlabSays(err)}). ${after}`,
      );
      return;
    }
    if (REASON.locked.test(text)) {
      throw ProviderError.explaining(
        `runner ${key.runnerId} is locked, and GitLab lets only an administrator remove a locked runner from ${where}. ` +
          "Unlock it (`locked: false` on its gitlab.Runner, then `pulumi up`) and destroy again, or use an administrator's token.",
        err,
      );
    }
    throw ProviderError.explaining(
      `this token's user may not remove runner ${key.runnerId} from ${where}: GitLab requires the Maintainer role on the ` +
        "project (or an administrator). Use such a user's token (gitlab:token or GITLAB_TOKEN), or remove the resource from " +
        "the stack with `pulumi state delete` if the link should stay.",
      err,
    );
  }
}
