/**
 * `create`: `POST /projects/:id/runners` (docs/gitlab-api.md §8.1).
 *
 * Before posting, the runner details are read once (`GET /runners/:id`): a group or instance
 * runner is refused with an explanation before GitLab is asked (13.x would silently turn an
 * instance runner into a project runner when an administrator enables it on a project,
 * docs/gitlab-api.md §2, a change nobody asked for), and a runner that already lists the project is
 * adopted without a POST. When this token may not read the runner, the POST's own answer decides.
 */
import type { GitLabClient, Project, RunnerDetails } from "../gitlab";
import {
  gitlabMessageText,
  hasCode,
  isOutcomeUnknown,
  ProviderError,
  planLimitError,
} from "../resource/errors";
import { lookUpProject, lookUpRunner, lookUpUser } from "../resource/lookups";
import { parseAssignmentInputs } from "./check";
import { samePath } from "./id";
import { type AssignmentOutputs, assignmentResult, describeProject } from "./outputs";
import { REASON } from "./refusals";

/** The GitLab operations assigning a runner needs. */
export type AssignClient = Pick<GitLabClient, "resolveProject" | "getRunner" | "enableProjectRunner">;

/** An explanation of a refusal, ending with what GitLab said; a refusal we saw coming has no cause. */
function explained(message: string, cause?: unknown): ProviderError {
  return cause === undefined
    ? new ProviderError(message, { code: "assignment_refused" })
    : ProviderError.explaining(message, cause);
}

/** A project as the assignment names it. */
type ProjectRef = Pick<Project, "id" | "pathWithNamespace">;

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

function projectNotFound(project: number | string, cause: unknown): ProviderError {
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

function lockedRunner(runnerId: number, where: string, cause?: unknown): ProviderError {
  return explained(
    `runner ${runnerId} is locked to its current projects, so GitLab refuses to assign it to ${where}. ` +
      'Unlock it: set `locked: false` on its gitlab.Runner (or clear "Lock to current projects" in the ' +
      "runner's settings in GitLab), then run `pulumi up` again. An administrator's token may also assign a locked runner.",
    cause,
  );
}

export function runnerNotFound(runnerId: number, cause: unknown): ProviderError {
  return explained(
    `runner ${runnerId} does not exist, or this token's user cannot see it. Check runnerId: use the runnerId ` +
      "output of the gitlab.Runner that manages it, or the id GitLab shows under Settings > CI/CD > Runners. " +
      "If the runner was deleted out of band, `pulumi refresh` followed by `pulumi up` recreates a managed runner.",
    cause,
  );
}

export function groupRunner(runnerId: number, where: string, cause?: unknown): ProviderError {
  return explained(
    `runner ${runnerId} is a group runner, and GitLab never assigns group runners to projects ` +
      `(it answers 403 "Runner is a group runner", even to administrators), so it cannot be enabled on ${where}. ` +
      'Projects of the runner\'s group and its subgroups can already use it when "Enable group runners" is on in ' +
      "their Settings > CI/CD > Runners: remove this ProjectRunnerAssignment, or assign a project runner " +
      '(a gitlab.Runner with runnerType "project_type") instead.',
    cause,
  );
}

export function instanceRunner(runnerId: number, where: string, cause?: unknown): ProviderError {
  return explained(
    `runner ${runnerId} is an instance (shared) runner, which every project can already use when ` +
      `"Enable instance runners" is on in its Settings > CI/CD > Runners, so it is not assigned to ${where}: ` +
      "current GitLab refuses to turn an instance runner into a project runner, and GitLab 13.x would do it " +
      "silently for an administrator, taking the runner away from every other project. Remove this " +
      'ProjectRunnerAssignment, or create a project runner (a gitlab.Runner with runnerType "project_type") for this project.',
    cause,
  );
}

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

/** Turns a refused `POST /projects/:id/runners` into an error that says what to do. */
export function explainAssignFailure(
  err: unknown,
  runnerId: number,
  project: number | string,
  target: ProjectRef | undefined,
  details: Pick<RunnerDetails, "runnerType" | "isShared"> | undefined,
): unknown {
  const where = describeProject(project, target);
  const text = gitlabMessageText(err);
  if (hasCode(err, "forbidden")) {
    if (REASON.locked.test(text)) return lockedRunner(runnerId, where, err);
    if (REASON.groupRunner.test(text)) return groupRunner(runnerId, where, err);
    if (REASON.noAccess.test(text)) {
      if (details && runnerTypeOf(details) === "instance_type") return instanceRunner(runnerId, where, err);
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
    return runnerNotFound(runnerId, err);
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
    if (REASON.instanceTransition.test(text)) return instanceRunner(runnerId, where, err);
    return explained(`GitLab refused to assign runner ${runnerId} to ${where}.`, err);
  }
  return err;
}

/** `create` for the ProjectRunnerAssignment resource. */
export async function createAssignment(
  api: AssignClient,
  inputs: Record<string, unknown>,
): Promise<{ id: string; outs: AssignmentOutputs }> {
  const { project, runnerId } = parseAssignmentInputs(inputs);
  const target = await resolveTarget(api, project);
  const where = describeProject(project, target);

  let details: RunnerDetails | undefined;
  try {
    // Remembered from the preview-time check when it asked: a runner's type never changes, and a
    // link made since makes the POST below answer "already assigned", which adopts it.
    details = await lookUpRunner(api, runnerId);
  } catch (err) {
    if (hasCode(err, "not_found")) throw runnerNotFound(runnerId, err);
    // A Maintainer of the target project may be unable to read the runner; the POST decides.
    if (!hasCode(err, "forbidden") && !hasCode(err, "insufficient_scope")) throw err;
  }
  if (details) {
    const type = runnerTypeOf(details);
    if (type === "group_type") throw groupRunner(runnerId, where);
    if (type === "instance_type") throw instanceRunner(runnerId, where);
    if (details.projects?.some((p) => p.id === target.id)) {
      // GitLab already matches the program: adopt (issue 6, "create").
      return assignmentResult(project, target, runnerId, true);
    }
  }

  try {
    await api.enableProjectRunner(target.id, runnerId);
  } catch (err) {
    if (hasCode(err, "already_assigned")) return assignmentResult(project, target, runnerId, true);
    if (!isOutcomeUnknown(err)) throw explainAssignFailure(err, runnerId, project, target, details);
    // Sent, no answer: the POST may have been applied. Enabling is safe to repeat (a duplicate
    // is a 400 "has already been taken", never a second link), so ask once more; "already
    // taken" now means our first request did it.
    try {
      await api.enableProjectRunner(target.id, runnerId);
    } catch (again) {
      if (hasCode(again, "already_assigned")) return assignmentResult(project, target, runnerId, false);
      throw explainAssignFailure(again, runnerId, project, target, details);
    }
  }
  return assignmentResult(project, target, runnerId, false);
}
