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
import { claimedByRunner } from "../resource/lookups";
import { disableOnProject, type Warn } from "../runner-projects/disable";
import { describeProject } from "../runner-projects/explain";
import type { AssignmentOutputs } from "./outputs";
import { assignmentKey } from "./read";

export type { Warn } from "../runner-projects/disable";

/** The GitLab operations removing an assignment needs. */
export type UnassignClient = Pick<GitLabClient, "disableProjectRunner" | "getRunner">;

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
  // A Runner of this run lists the project in its assignedProjects now (the program moved the
  // link from this resource to the Runner): the link is the Runner's, and stays.
  if (claimedByRunner(api, key.runnerId, key.projectId)) {
    warn(
      `runner ${key.runnerId} stays enabled on ${where}: its gitlab.Runner lists the project in assignedProjects, ` +
        "which now manages the link. This ProjectRunnerAssignment is removed from the stack only.",
    );
    return;
  }
  const link = {
    ...key,
    ...(previous.preExisting === undefined ? {} : { preExisting: previous.preExisting }),
  };
  await disableOnProject(api, link, where, warn, "assignment");
}
