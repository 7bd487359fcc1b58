/**
 * The slice of the GitLab transport (`provider/gitlab/`) that the Runner resource uses, written
 * as a structural type so the resource logic depends on operations, not on a class: the real
 * `GitLabClient` satisfies it, and so can a test double.
 */

/** GitLab's runner scopes (`runner_type`). */
export type RunnerType = "instance_type" | "group_type" | "project_type";

/** GitLab's `access_level` values. */
export type AccessLevel = "not_protected" | "ref_protected";

/** A project as the runner details list it (`BasicProjectDetails`, camelCase). */
export interface RunnerProjectRef {
  id: number;
  pathWithNamespace: string;
}

/** A group as the runner details list it (`BasicGroupDetails`, camelCase). */
export interface RunnerGroupRef {
  id: number;
  name?: string | null;
  webUrl?: string | null;
}

/** `GET/PUT /runners/:id` (`RunnerDetails`, reference §3.2), normalised by the transport. */
export interface RunnerDetailsView {
  id: number;
  description: string | null;
  paused: boolean;
  isShared: boolean;
  runnerType: RunnerType;
  online: boolean | null;
  status: string;
  tagList: string[];
  runUntagged: boolean;
  locked: boolean;
  maximumTimeout: number | null;
  accessLevel: AccessLevel;
  contactedAt: string | null;
  /** null when GitLab hides it from this caller, or when the server predates it (13.x). */
  maintenanceNote: string | null;
  /** Absent from PUT responses on the newest servers (reference §3.2). */
  projects?: RunnerProjectRef[] | undefined;
  groups?: RunnerGroupRef[] | undefined;
  createdAt?: string | null | undefined;
}

/** `RunnerRegistrationDetails` (reference §3.3). */
export interface RunnerRegistrationView {
  id: number;
  token: string;
  tokenExpiresAt: string | null;
}

/** `ResetTokenResult` (reference §3.4). */
export interface ResetTokenView {
  token: string;
  tokenExpiresAt: string | null;
}

/** The runner fields both creation endpoints and `PUT /runners/:id` take, camelCase. */
export interface RunnerFields {
  description?: string;
  paused?: boolean;
  locked?: boolean;
  runUntagged?: boolean;
  tagList?: string[];
  accessLevel?: AccessLevel;
  maximumTimeout?: number;
  maintenanceNote?: string;
}

/** A list item of `GET /runners`, `/runners/all`, `/projects/:id/runners`, `/groups/:id/runners`. */
export interface RunnerListItemView {
  id: number;
  description: string | null;
  runnerType?: RunnerType | undefined;
}

/** The operations the Runner resource needs. */
export interface RunnerApi {
  registerRunner(args: RunnerFields & { token: string }): Promise<RunnerRegistrationView>;
  createUserRunner(
    args: RunnerFields & { runnerType: RunnerType; groupId?: number; projectId?: number },
  ): Promise<RunnerRegistrationView>;
  getRunner(id: number): Promise<RunnerDetailsView>;
  updateRunner(id: number, fields: RunnerFields): Promise<RunnerDetailsView>;
  deleteRunner(id: number): Promise<void>;
  deleteRunnerByToken(token: string): Promise<void>;
  resetRunnerToken(id: number): Promise<ResetTokenView>;
  resolveProject(idOrPath: number | string): Promise<{ id: number }>;
  resolveGroup(idOrPath: number | string): Promise<{ id: number }>;
}
