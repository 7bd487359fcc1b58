/**
 * `read` (refresh): is the runner still enabled on the project?
 *
 * Membership is taken from the cheapest source that is complete for this caller:
 * 1. the runner details' `projects` (`GET /runners/:id`, docs/gitlab-api.md §3.2). GitLab lists there
 *    every project of the runner that the caller may read (admins: all), so the target project,
 *    which the caller must be able to read to manage the assignment, is in it exactly when the
 *    runner is enabled there;
 * 2. when the details leave `projects` out (newest servers can, docs/gitlab-api.md §3.2), or the caller
 *    may not read the runner: `GET /runners/:id/projects` where the server has it (18.x,
 *    docs/gitlab-api.md §5.5), all pages;
 * 3. else the project's runner list (`GET /projects/:id/runners?type=project_type`, all pages):
 *    a project runner is in it only when it is enabled on the project (docs/gitlab-api.md §5.3).
 *
 * Runner gone, project gone or the assignment removed → no id, and the engine drops it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GitLabClient, ProjectRef } from "../gitlab";
import { hasCode, isRefused, ProviderError } from "../resource/errors";
import { type AssignmentKey, parseAssignmentId } from "./id";
import { type AssignmentOutputs, describeProject } from "./outputs";

/** The GitLab operations reading an assignment needs. */
export type MembershipClient = Pick<
  GitLabClient,
  "getRunner" | "listRunnerProjects" | "listProjectRunners" | "resolveProject"
>;

/** Present (with the project as GitLab names it now), or absent. */
export type Membership = { present: true; project?: ProjectRef } | { present: false };

const ABSENT: Membership = { present: false };

/** Whether runner `key.runnerId` is enabled on project `key.projectId`, per the sources above. */
export async function membership(api: MembershipClient, key: AssignmentKey): Promise<Membership> {
  const { projectId, runnerId } = key;
  try {
    const details = await api.getRunner(runnerId);
    if (Array.isArray(details.projects)) {
      const hit = details.projects.find((p) => p.id === projectId);
      return hit ? { present: true, project: hit } : ABSENT;
    }
  } catch (err) {
    if (hasCode(err, "not_found")) return ABSENT;
    if (!isRefused(err)) throw err;
  }

  try {
    const projects = await api.listRunnerProjects(runnerId);
    const hit = projects.find((p) => p.id === projectId);
    return hit ? { present: true, project: hit } : ABSENT;
  } catch (err) {
    if (hasCode(err, "not_found")) return ABSENT;
    // "unsupported": the catch-all 404 of servers before GET /runners/:id/projects existed.
    if (!hasCode(err, "unsupported") && !isRefused(err)) throw err;
  }

  try {
    const runners = await api.listProjectRunners(projectId, { type: "project_type" });
    if (!runners.some((r) => r.id === runnerId)) return ABSENT;
  } catch (err) {
    if (hasCode(err, "not_found")) return ABSENT;
    if (isRefused(err)) {
      throw ProviderError.explaining(
        `cannot tell whether runner ${runnerId} is still enabled on ${describeProject(projectId)}: this token's user ` +
          "may read neither the runner nor the project's runners. Use a token of a Maintainer of the project (or an administrator).",
        err,
      );
    }
    throw err;
  }
  try {
    return { present: true, project: await api.resolveProject(projectId) };
  } catch (err) {
    if (hasCode(err, "not_found")) return ABSENT;
    return { present: true };
  }
}

/** The assignment's key from its id, or from the stored outputs when the id has another shape. */
export function assignmentKey(id: string, props: Record<string, unknown>): AssignmentKey {
  const fromId = parseAssignmentId(id);
  if (fromId) return fromId;
  const projectId = props.projectId;
  const runnerId = props.runnerId;
  if (typeof projectId === "number" && typeof runnerId === "number") return { projectId, runnerId };
  throw new ProviderError(
    `"${id}" is not a ProjectRunnerAssignment id: expected "<projectId>:<runnerId>", e.g. "100:42".`,
    { code: "invalid_input" },
  );
}

/** `read` for the ProjectRunnerAssignment resource: live outputs plus the inputs; no id when gone. */
export async function readAssignment(
  api: MembershipClient,
  id: string,
  props: Record<string, unknown> = {},
): Promise<pulumi.dynamic.ReadResult> {
  const key = assignmentKey(id, props);
  const found = await membership(api, key);
  if (!found.present) return {};
  const previous = props as Partial<AssignmentOutputs>;
  const project = previous.project ?? key.projectId;
  const outs: AssignmentOutputs = {
    project,
    runnerId: key.runnerId,
    projectId: key.projectId,
    projectPath: found.project?.pathWithNamespace ?? previous.projectPath ?? String(key.projectId),
    preExisting: previous.preExisting === true,
  };
  // The inputs stay as the program gave them (a path stays a path), so a refresh shows no
  // difference for a project that was only renamed: diff resolves paths to ids.
  return { id, props: { ...outs }, inputs: { project, runnerId: key.runnerId } };
}
