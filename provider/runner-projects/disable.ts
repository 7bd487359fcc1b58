/**
 * Removing a runner from a project: `DELETE /projects/:id/runners/:runner_id`
 * (docs/gitlab-api.md §8.2), for a `ProjectRunnerAssignment` and for a `Runner`'s
 * `assignedProjects` alike. A 404 (the link, the runner or the project is gone already) is
 * success (docs/design.md decision 10).
 *
 * GitLab keeps a project runner on at least one project: up to 17.x it refuses to remove the
 * runner's last project, and 18.x refuses to remove its owner project (the project it was
 * created in; app/services/ci/runners/unassign_runner_service.rb). That link goes when the
 * runner goes, so removing it does not fail: a warning says what stays in GitLab and why. Any
 * other refusal is an error.
 */
import type { GitLabClient } from "../gitlab";
import { gitlabMessageText, gitlabSays, hasCode, ProviderError } from "../resource/errors";
import { amendRunnerProjects } from "../resource/lookups";
import type { Via } from "./explain";
import { REASON } from "./refusals";

/** The GitLab operations removing a link needs. */
export type DisableClient = Pick<GitLabClient, "disableProjectRunner" | "getRunner">;

/** Reports a warning (the engine's log in production). */
export type Warn = (message: string) => void;

/** The link to remove. */
export interface Link {
  projectId: number;
  runnerId: number;
  /** GitLab had the link before the program made it (it is likely the owner project). */
  preExisting?: boolean;
}

/**
 * 18.x answers a non-administrator who tries to unassign the owner project with the generic
 * 403 "No access granted" (unassign_runner_service.rb checks `can?(:unassign_runner)`, which
 * is false for the owner project). It is the owner project when the program adopted the link
 * (GitLab had it before, as it has the project a runner was created in), or when it is the
 * runner's only, or first-listed, project (GitLab lists projects in link order; the owner was
 * linked first).
 */
async function looksLikeOwnerProject(api: Pick<GitLabClient, "getRunner">, link: Link): Promise<boolean> {
  if (link.preExisting === true) return true;
  try {
    const details = await api.getRunner(link.runnerId);
    const projects = details.projects ?? [];
    return projects[0]?.id === link.projectId;
  } catch {
    return false;
  }
}

/**
 * Removes runner `link.runnerId` from project `link.projectId` (`where` names it in messages):
 * `"removed"`, `"gone"` (it was not there) or `"kept"` (GitLab keeps it; `warn` said why).
 */
export async function disableOnProject(
  api: DisableClient,
  link: Link,
  where: string,
  warn: Warn,
  via: Via,
): Promise<"removed" | "gone" | "kept"> {
  try {
    await api.disableProjectRunner(link.projectId, link.runnerId);
    amendRunnerProjects(api, link.runnerId, { removed: link.projectId });
    return "removed";
  } catch (err) {
    if (hasCode(err, "not_found")) {
      amendRunnerProjects(api, link.runnerId, { removed: link.projectId });
      return "gone";
    }
    if (!hasCode(err, "forbidden")) throw err;
    const text = gitlabMessageText(err);
    const keeps = `GitLab keeps runner ${link.runnerId} enabled on ${where}`;
    const after =
      via === "assignment"
        ? "This ProjectRunnerAssignment is removed from the stack; the link goes when the runner is deleted " +
          "(delete its gitlab.Runner, or the runner in GitLab)."
        : "The Runner's assignedProjects no longer lists it; the link goes when the runner is deleted.";
    if (REASON.onlyProject.test(text)) {
      warn(
        `${keeps}: it is the runner's only project, and GitLab does not remove a runner's last project (${gitlabSays(err)}). ${after}`,
      );
      return "kept";
    }
    if (
      REASON.ownerProject.test(text) ||
      (REASON.noAccess.test(text) && (await looksLikeOwnerProject(api, link)))
    ) {
      warn(
        `${keeps}: it is the runner's owner project (the project it was created in), which GitLab does not unassign (${gitlabSays(err)}). ${after}`,
      );
      return "kept";
    }
    if (REASON.locked.test(text)) {
      throw ProviderError.explaining(
        `runner ${link.runnerId} is locked, and GitLab lets only an administrator remove a locked runner from ${where}. ` +
          (via === "assignment"
            ? "Unlock it (`locked: false` on its gitlab.Runner, then `pulumi up`) and destroy again, or use an administrator's token."
            : "Unlock it (`locked: false` on its gitlab.Runner) and run `pulumi up` again, or use an administrator's token."),
        err,
      );
    }
    throw ProviderError.explaining(
      `this token's user may not remove runner ${link.runnerId} from ${where}: GitLab requires the Maintainer role on the ` +
        "project (or an administrator). Use such a user's token (gitlab:token or GITLAB_TOKEN), or " +
        (via === "assignment"
          ? "remove the resource from the stack with `pulumi state delete` if the link should stay."
          : "keep the project in assignedProjects if the link should stay."),
      err,
    );
  }
}
