import type { ScopeFamily } from "../http/auth";
import { Router } from "../http/router";
import type { VersionFeatures } from "../version";
import type { Handler } from "./context";
import {
  assignRunner,
  getGroup,
  getProject,
  listGroupRunners,
  listProjectRunners,
  resetGroupRegistrationToken,
  resetProjectRegistrationToken,
  unassignRunner,
} from "./namespaces";
import {
  backingOff,
  registerRunner,
  resetTokenByToken,
  unregisterRunner,
  verifyRunner,
} from "./runner-token";
import {
  deleteRunner,
  getRunner,
  listAllRunners,
  listOwnedRunners,
  listRunnerJobs,
  listRunnerManagers,
  listRunnerProjects,
  resetInstanceRegistrationToken,
  resetRunnerToken,
  updateRunner,
} from "./runners";
import { createUserRunner, getCurrentUser, getVersion } from "./user";

export interface RouteSpec {
  handler: Handler;
  /** null: no user authentication (runner-token endpoints). */
  auth: ScopeFamily | null;
}

const API = "/api/v4";

/** The API's routes for one GitLab version (endpoints a version lacks are unknown routes). */
export function buildRouter(features: VersionFeatures): Router<RouteSpec> {
  const router = new Router<RouteSpec>();
  const add = (method: string, path: string, auth: ScopeFamily | null, handler: Handler): void => {
    router.add(method, `${API}${path}`, { handler, auth });
  };
  add("GET", "/version", "user", getVersion);
  add("GET", "/user", "user", getCurrentUser);

  add("GET", "/runners", "runners", listOwnedRunners);
  add("GET", "/runners/all", "runners", listAllRunners);
  add("GET", "/runners/:id", "runner", getRunner);
  add("PUT", "/runners/:id", "runner", updateRunner);
  add("DELETE", "/runners/:id", "runner", deleteRunner);
  add("GET", "/runners/:id/jobs", "runner", listRunnerJobs);
  add("POST", "/runners/:id/reset_authentication_token", "runner", resetRunnerToken);
  if (features.managers) add("GET", "/runners/:id/managers", "runner", listRunnerManagers);
  if (features.newest) add("GET", "/runners/:id/projects", "runner", listRunnerProjects);

  // API::Ci::Runner's `before { check_if_backoff_required! }` covers all four (16.0+).
  const runnerApi = (handler: Handler): Handler =>
    features.runnerMigrationBackoff ? backingOff(handler) : handler;
  add("POST", "/runners", null, runnerApi(registerRunner));
  add("DELETE", "/runners", null, runnerApi(unregisterRunner));
  add("POST", "/runners/verify", null, runnerApi(verifyRunner));
  add("POST", "/runners/reset_authentication_token", null, runnerApi(resetTokenByToken));

  add("GET", "/projects/:id", "namespace", getProject);
  add("GET", "/groups/:id", "namespace", getGroup);
  add("GET", "/projects/:id/runners", "namespace_list", listProjectRunners);
  add("POST", "/projects/:id/runners", "namespace", assignRunner);
  add("DELETE", "/projects/:id/runners/:runner_id", "namespace", unassignRunner);
  add("GET", "/groups/:id/runners", "namespace_list", listGroupRunners);

  if (features.registrationResets) {
    add("POST", "/runners/reset_registration_token", "runners", resetInstanceRegistrationToken);
    add("POST", "/projects/:id/runners/reset_registration_token", "namespace", resetProjectRegistrationToken);
    add("POST", "/groups/:id/runners/reset_registration_token", "namespace", resetGroupRegistrationToken);
  }
  if (features.userRunners) add("POST", "/user/runners", "user_runners", createUserRunner);
  return router;
}
