/**
 * The assignment's outputs, as stored in state and as the sdk class exposes them.
 */
import type { ProjectRef } from "./api";
import { formatAssignmentId } from "./values";

/** Outputs of `pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment`. */
export interface AssignmentOutputs {
  /** The `project` input as the program gave it (numeric id or full path). */
  project: number | string;
  /** The runner's id. */
  runnerId: number;
  /** The project's numeric id. */
  projectId: number;
  /** The project's full path (`path_with_namespace`), as GitLab reports it now. */
  projectPath: string;
  /**
   * True when GitLab already had the runner enabled on the project when this resource was
   * created (the assignment was adopted, not made); false when this resource made it.
   */
  preExisting: boolean;
}

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

/** "project acme/api (100)" or "project 100", for messages. */
export function describeProject(project: number | string, target?: ProjectRef): string {
  if (target) return `project ${target.pathWithNamespace} (id ${target.id})`;
  return typeof project === "number" ? `project ${project}` : `project "${project}"`;
}
