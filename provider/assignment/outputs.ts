/**
 * The assignment's outputs, as stored in state and as the sdk class exposes them.
 */
import type { ProjectRef } from "../gitlab";
import type { OutputsOf } from "../resource/description";
import type { AssignmentDescription } from "./description";
import { formatAssignmentId } from "./id";

/** Outputs of `pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment`, as the description defines them. */
export type AssignmentOutputs = OutputsOf<AssignmentDescription>;

/** What `create` and `read` return to the dynamic-provider host. */
export function assignmentResult(
  project: number | string,
  target: ProjectRef,
  runnerId: number,
  preExisting: boolean,
): { id: string; outs: AssignmentOutputs } {
  return {
    id: formatAssignmentId({ projectId: target.id, runnerId }),
    outs: { project, runnerId, projectId: target.id, projectPath: target.pathWithNamespace, preExisting },
  };
}

export { describeProject } from "../runner-projects/explain";
