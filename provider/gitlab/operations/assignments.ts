import { messageText, type ParsedErrorBody } from "../errors/error-body";
import type { GitLabErrorCode } from "../errors/gitlab-error";
import { type RunnerSummary, runnerSummarySchema } from "../schemas/runner";
import { call, callVoid, namespaceSegment, type OperationContext, runnerIdSegment } from "./context";

/**
 * GitLab answers a second assignment of the same runner with a 400, not a 409: 13.x
 * `{"message":{"assign_to":[…has already been taken]}}`, modern "Assign to Validation failed:
 * Runner projects runner has already been taken - runner_error"
 * (app/services/ci/runners/assign_runner_service.rb). On this route that means `already_assigned`.
 */
export function assignmentAnswerCode(status: number, parsed: ParsedErrorBody): GitLabErrorCode | undefined {
  const text = parsed.message === undefined ? "" : messageText(parsed.message);
  return (status === 400 || status === 422) && /has already been taken/i.test(text)
    ? "already_assigned"
    : undefined;
}

/**
 * `POST /projects/:id/runners`: assigns ("enables") a runner on a project. A runner that is
 * already assigned gives a 400, reported as `already_assigned` (docs/gitlab-api.md §8.1: no 409).
 */
export function enableProjectRunner(
  ctx: OperationContext,
  project: number | string,
  runnerId: number,
): Promise<RunnerSummary> {
  const template = "/projects/:id/runners";
  const path = `/projects/${namespaceSegment(project, "POST", template, "project")}/runners`;
  return call(
    ctx,
    {
      method: "POST",
      template,
      path,
      body: { runner_id: Number(runnerIdSegment(runnerId, "POST", template)) },
      codeFor: assignmentAnswerCode,
    },
    runnerSummarySchema,
  );
}

/**
 * `DELETE /projects/:id/runners/:runner_id`: unassigns a runner. GitLab refuses for the
 * runner's only (13.x–17.x) or owning (newest) project: delete the runner instead.
 */
export function disableProjectRunner(
  ctx: OperationContext,
  project: number | string,
  runnerId: number,
): Promise<void> {
  const template = "/projects/:id/runners/:runner_id";
  const path = `/projects/${namespaceSegment(project, "DELETE", template, "project")}/runners/${runnerIdSegment(runnerId, "DELETE", template)}`;
  return callVoid(ctx, { method: "DELETE", template, path });
}
