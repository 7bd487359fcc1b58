/**
 * GitLab's refusals to enable a runner on a project, explained in the program's terms: what
 * GitLab refused, why, and what to change. Shared by both ways a program links a runner to a
 * project — a `ProjectRunnerAssignment`, or a `Runner`'s `assignedProjects` — which differ only
 * in what the program should change (`Via`). GitLab's side is docs/gitlab-api.md §8.
 */
import type { GitLabClient, Project, RunnerDetails } from "../gitlab";
import { gitlabMessageText, hasCode, ProviderError, planLimitError } from "../resource/errors";
import { lookUpProject } from "../resource/lookups";
import { REASON } from "./refusals";

/** True for GitLab's bare "No access granted" refusal (a 403 that does not say why). */
export function isNoAccess(err: unknown): boolean {
  return hasCode(err, "forbidden") && REASON.noAccess.test(gitlabMessageText(err));
}

/** Which resource asked for the link: the fix the explanation suggests depends on it. */
export type Via = "assignment" | "runner";

/** A project as a link names it. */
export type ProjectRef = Pick<Project, "id" | "pathWithNamespace">;

/** "project acme/api (id 100)", `project 100` or `project "acme/api"`, for messages. */
export function describeProject(project: number | string, target?: ProjectRef): string {
  if (target) return `project ${target.pathWithNamespace} (id ${target.id})`;
  return typeof project === "number" ? `project ${project}` : `project "${project}"`;
}

/** An explanation of a refusal, ending with what GitLab said; a refusal we saw coming has no cause. */
export function explained(message: string, cause?: unknown): ProviderError {
  return cause === undefined
    ? new ProviderError(message, { code: "assignment_refused" })
    : ProviderError.explaining(message, cause);
}

/** GitLab's scope of a runner; 13.x entities without `runner_type` fall back to `is_shared`. */
export function runnerTypeOf(details: Pick<RunnerDetails, "runnerType" | "isShared">): string | undefined {
  if (details.runnerType) return details.runnerType;
  if (details.isShared === true) return "instance_type";
  return undefined;
}

/** `GET /projects/:id` (remembered), with a message that says how to name the project when it is not found. */
export async function resolveTarget(
  api: Pick<GitLabClient, "resolveProject">,
  project: number | string,
): Promise<ProjectRef> {
  try {
    return await lookUpProject(api, project);
  } catch (err) {
    if (hasCode(err, "not_found")) throw projectNotFound(project, err);
    throw err;
  }
}

export function projectNotFound(project: number | string, cause: unknown): ProviderError {
  const how =
    typeof project === "number"
      ? "Check the numeric id (shown on the project's overview page in GitLab), or give the full path instead."
      : 'Check the full path: it is the project\'s URL path with every group, e.g. "acme/platform/deploy" (case does not matter).';
  return explained(
    `${describeProject(project)} was not found, or this token's user cannot see it. ${how} ` +
      "If the project exists, give the token's user at least the Maintainer role on it.",
    cause,
  );
}

export function lockedRunner(runnerId: number, where: string, cause?: unknown): ProviderError {
  return explained(
    `runner ${runnerId} is locked to its current projects, so GitLab refuses to assign it to ${where}. ` +
      'Unlock it: set `locked: false` on its gitlab.Runner (or clear "Lock to current projects" in the ' +
      "runner's settings in GitLab), then run `pulumi up` again. An administrator's token may also assign a locked runner.",
    cause,
  );
}

export function runnerNotFound(runnerId: number, cause: unknown, via: Via = "assignment"): ProviderError {
  const check =
    via === "assignment"
      ? "Check runnerId: use the runnerId output of the gitlab.Runner that manages it, or the id GitLab shows " +
        "under Settings > CI/CD > Runners. "
      : "";
  return explained(
    `runner ${runnerId} does not exist, or this token's user cannot see it. ${check}` +
      "If the runner was deleted out of band, `pulumi refresh` followed by `pulumi up` recreates a managed runner.",
    cause,
  );
}

export function groupRunner(
  runnerId: number,
  where: string,
  cause?: unknown,
  via: Via = "assignment",
): ProviderError {
  const fix =
    via === "assignment"
      ? "remove this ProjectRunnerAssignment, or assign a project runner " +
        '(a gitlab.Runner with runnerType "project_type") instead.'
      : 'leave assignedProjects out of this group runner, or give these projects a project runner (runnerType "project_type").';
  return explained(
    `runner ${runnerId} is a group runner, and GitLab never assigns group runners to projects ` +
      `(it answers 403 "Runner is a group runner", even to administrators), so it cannot be enabled on ${where}. ` +
      'Projects of the runner\'s group and its subgroups can already use it when "Enable group runners" is on in ' +
      `their Settings > CI/CD > Runners: ${fix}`,
    cause,
  );
}

export function instanceRunner(
  runnerId: number,
  where: string,
  cause?: unknown,
  via: Via = "assignment",
): ProviderError {
  const fix =
    via === "assignment"
      ? "Remove this ProjectRunnerAssignment, or create a project runner " +
        '(a gitlab.Runner with runnerType "project_type") for this project.'
      : "Leave assignedProjects out of this instance runner, or create a project runner " +
        '(runnerType "project_type") for these projects.';
  return explained(
    `runner ${runnerId} is an instance (shared) runner, which every project can already use when ` +
      `"Enable instance runners" is on in its Settings > CI/CD > Runners, so it is not assigned to ${where}: ` +
      "current GitLab refuses to turn an instance runner into a project runner, and GitLab 13.x would do it " +
      `silently for an administrator, taking the runner away from every other project. ${fix}`,
    cause,
  );
}

/**
 * Why a runner of this type can never be enabled on a project (a group or instance runner), or
 * `undefined` when it may be.
 */
export function unassignableType(
  details: Pick<RunnerDetails, "runnerType" | "isShared">,
  runnerId: number,
  where: string,
  via: Via = "assignment",
): ProviderError | undefined {
  const type = runnerTypeOf(details);
  if (type === "group_type") return groupRunner(runnerId, where, undefined, via);
  if (type === "instance_type") return instanceRunner(runnerId, where, undefined, via);
  return undefined;
}

/** Turns a refused `POST /projects/:id/runners` into an error that says what to do. */
export function explainAssignFailure(
  err: unknown,
  runnerId: number,
  project: number | string,
  target: ProjectRef | undefined,
  details: Pick<RunnerDetails, "runnerType" | "isShared"> | undefined,
  via: Via = "assignment",
): unknown {
  const where = describeProject(project, target);
  const text = gitlabMessageText(err);
  if (hasCode(err, "forbidden")) {
    if (REASON.locked.test(text)) return lockedRunner(runnerId, where, err);
    if (REASON.groupRunner.test(text)) return groupRunner(runnerId, where, err, via);
    if (REASON.noAccess.test(text)) {
      if (details && runnerTypeOf(details) === "instance_type")
        return instanceRunner(runnerId, where, err, via);
      return explained(
        `this token's user may not assign runner ${runnerId} to other projects. GitLab lets a user assign a project ` +
          "runner only when they are a Maintainer of a project the runner already belongs to (its owner project " +
          "on recent versions), or an administrator. Use such a user's token (gitlab:token or GITLAB_TOKEN), or " +
          "add the user as a Maintainer of the runner's project.",
        err,
      );
    }
    return explained(
      `this token's user may not assign runners to ${where}: GitLab requires the Maintainer role on the target ` +
        "project (or an administrator). Give the user the Maintainer role there, or use a token of a user who has it.",
      err,
    );
  }
  if (hasCode(err, "not_found")) {
    if (/project/i.test(text)) return projectNotFound(project, err);
    return runnerNotFound(runnerId, err, via);
  }
  if (hasCode(err, "unauthorized")) {
    return explained(
      "GitLab did not accept the token for POST /projects/:id/runners. Assigning runners needs a token with " +
        "the `api` scope (a token limited to the create_runner or manage_runner scope is refused here with 401); " +
        "set a valid one with `pulumi config set --secret gitlab:token …` or GITLAB_TOKEN.",
      err,
    );
  }
  if (hasCode(err, "insufficient_scope")) {
    return explained(
      "the token lacks the scope to assign runners: POST /projects/:id/runners needs a token with the `api` scope.",
      err,
    );
  }
  const limit = planLimitError(err, `GitLab refused to assign runner ${runnerId} to ${where}`);
  if (limit) return limit;
  if (hasCode(err, "validation")) {
    if (REASON.instanceTransition.test(text)) return instanceRunner(runnerId, where, err, via);
    return explained(`GitLab refused to assign runner ${runnerId} to ${where}.`, err);
  }
  return err;
}
