/**
 * Property values as the dynamic-provider host hands them over, and the assignment's id.
 */

/**
 * The sentinel the Node SDK sends for a value not known yet during preview (an output of a
 * resource still to be created): `rpc.unknownValue` in `@pulumi/pulumi/runtime/rpc.js`, copied
 * so `provider/` does not load the SDK runtime for it.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when a property value is not known yet (preview). */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

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

/**
 * GitLab looks full paths up case-insensitively (`Project.find_by_full_path` with
 * `follow_redirects`, app/models/concerns/routable.rb), so `Acme/API` and `acme/api` name the
 * same project.
 */
export function samePath(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
