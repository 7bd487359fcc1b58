/**
 * The assignment's id (`<projectId>:<runnerId>`); how project paths compare is in `resource/paths.ts`.
 */

/** The two numbers that identify an assignment. */
export interface AssignmentKey {
  projectId: number;
  runnerId: number;
}

/**
 * The resource id: `<projectId>:<runnerId>`, the same shape as the Terraform provider's
 * `gitlab_project_runner_enablement` id (`project:runner_id`), so both read the same way.
 */
export function formatAssignmentId(key: AssignmentKey): string {
  return `${key.projectId}:${key.runnerId}`;
}

/** Parses {@link formatAssignmentId}'s output; `undefined` for anything else. */
export function parseAssignmentId(id: string): AssignmentKey | undefined {
  const match = /^(\d+):(\d+)$/.exec(id);
  if (!match) return undefined;
  const projectId = Number(match[1]);
  const runnerId = Number(match[2]);
  if (
    !Number.isSafeInteger(projectId) ||
    !Number.isSafeInteger(runnerId) ||
    projectId <= 0 ||
    runnerId <= 0
  ) {
    return undefined;
  }
  return { projectId, runnerId };
}

export { samePath } from "../resource/paths";
