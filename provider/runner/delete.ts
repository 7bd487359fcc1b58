/**
 * `delete`: `DELETE /runners/:id`; a runner already gone is success (docs/design.md decision 10).
 * When this token may not delete by id but the runner's own token is known, `DELETE /runners`
 * with it (docs/gitlab-api.md §7.2) — that needs no user permission.
 */
import type { GitLabClient } from "../gitlab";
import { errorText, gitlabMessageText, hasCode, isNotFound, ProviderError } from "../resource/errors";
import type { RunnerOutputs } from "./outputs";

const MULTI_PROJECT = /more than one project/i;

/** `delete` for the Runner resource. */
export async function deleteRunner(
  api: Pick<GitLabClient, "deleteRunner" | "deleteRunnerByToken">,
  id: string,
  props: Record<string, unknown>,
): Promise<void> {
  const runnerId = Number(id);
  const token = (props as Partial<RunnerOutputs>).authenticationToken;
  try {
    await api.deleteRunner(runnerId);
    return;
  } catch (err) {
    if (isNotFound(err)) return;
    if (!hasCode(err, "forbidden")) throw err;
    if (typeof token === "string" && token !== "") {
      try {
        await api.deleteRunnerByToken(token);
        return;
      } catch (byToken) {
        // 403 with the runner's own token: it was rotated or the runner is gone.
        if (isNotFound(byToken)) return;
        if (!hasCode(byToken, "forbidden")) throw byToken;
      }
    }
    if (MULTI_PROJECT.test(gitlabMessageText(err))) {
      throw new ProviderError(
        `runner ${runnerId} is assigned to more than one project, and GitLab lets only an administrator delete such a runner by id ` +
          '(403 "Runner associated with more than one project"). Remove its other project assignments first ' +
          "(delete the ProjectRunnerAssignment resources or unassign it in GitLab), or use an administrator token" +
          `${token ? "" : ", or rotate its token (tokenRotation) so it can be deleted with its own token"}. (${errorText(err)})`,
        { cause: err },
      );
    }
    throw new ProviderError(
      `runner ${runnerId}: this token may not delete it: ${errorText(err)}` +
        (token ? " Deleting with the runner's own token was refused as well." : ""),
      { cause: err },
    );
  }
}
