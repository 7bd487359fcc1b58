/**
 * The slice of the GitLab transport (`provider/gitlab/`) that the Runner resource uses, as a
 * structural type: the real `GitLabClient` satisfies it, and so can a test double.
 */
import type { GitLabClient } from "../gitlab";

export type {
  AccessLevel,
  ResetTokenResult as ResetTokenView,
  RunnerCredentials as RunnerRegistrationView,
  RunnerDetails as RunnerDetailsView,
  RunnerSettings as RunnerFields,
  RunnerSummary as RunnerListItemView,
  RunnerType,
} from "../gitlab";

/** The operations the Runner resource needs. */
export type RunnerApi = Pick<
  GitLabClient,
  | "registerRunner"
  | "createUserRunner"
  | "getRunner"
  | "updateRunner"
  | "deleteRunner"
  | "deleteRunnerByToken"
  | "resetRunnerToken"
  | "resolveProject"
  | "resolveGroup"
  | "listRunners"
  | "listProjectRunners"
  | "listGroupRunners"
>;
