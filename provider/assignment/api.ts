/**
 * The slice of the GitLab transport (`provider/gitlab/`) the ProjectRunnerAssignment resource
 * uses, as a structural type: the real `GitLabClient` satisfies it, and so can a test double.
 */

/** GitLab's runner scopes (`runner_type`). */
export type RunnerType = "instance_type" | "group_type" | "project_type";

/** A project as GitLab names it: numeric id and full path (`path_with_namespace`). */
export interface ProjectRef {
  id: number;
  pathWithNamespace: string;
}

/** The fields of the runner details (`GET /runners/:id`, reference §3.2) the assignment reads. */
export interface AssignmentRunnerView {
  id: number;
  /** Absent from the earliest 13.x entities; `isShared` then tells instance runners apart. */
  runnerType?: RunnerType | null | undefined;
  isShared?: boolean | null | undefined;
  locked?: boolean | null | undefined;
  /**
   * The runner's projects that this caller may read (admins: all of them). Absent when the
   * server left it out (newest PUT responses; `include_projects=false`).
   */
  projects?: readonly ProjectRef[] | null | undefined;
}

/** A list item of `GET /projects/:id/runners`. */
export interface AssignmentRunnerListItem {
  id: number;
}

/** The operations the assignment needs. */
export interface AssignmentApi {
  /** `GET /projects/:id` (id or URL-encoded full path). */
  resolveProject(idOrPath: number | string): Promise<ProjectRef>;
  /** `GET /runners/:id`. */
  getRunner(id: number): Promise<AssignmentRunnerView>;
  /** `GET /runners/:id/projects`, all pages (newest GitLab only; older answer the catch-all 404). */
  listRunnerProjects(id: number): Promise<readonly ProjectRef[]>;
  /** `GET /projects/:id/runners`, all pages. */
  listProjectRunners(
    project: number | string,
    filter?: { type?: RunnerType },
  ): Promise<readonly AssignmentRunnerListItem[]>;
  /** `POST /projects/:id/runners` with `runner_id`. */
  enableProjectRunner(project: number | string, runnerId: number): Promise<unknown>;
  /** `DELETE /projects/:id/runners/:runner_id`. */
  disableProjectRunner(project: number | string, runnerId: number): Promise<unknown>;
}
