import type { GitLabErrorCode } from "./gitlab-error";

/** What the hint for one failure is derived from. */
export interface HintContext {
  code: GitLabErrorCode;
  method: string;
  /** Path template, e.g. `/runners/:id`. */
  path: string;
  /** Scopes GitLab said it accepts (insufficient-scope body). */
  allowedScopes?: string | undefined;
  /** The API base URL the client talks to (never carries credentials; config rejects them). */
  baseUrl?: string | undefined;
  /** The network error code behind a transport failure. */
  networkCode?: string | undefined;
  /** Attempts made. */
  attempts?: number | undefined;
  /** `RateLimit-Name` of the throttle that answered 429. */
  throttleName?: string | undefined;
}

// Runner-token endpoints authenticate with a runner or registration token in the body, not
// with the user token (lib/api/ci/runner.rb `authenticate_runner!` → 403 `forbidden!`).
const RUNNER_TOKEN_PATHS = new Set(["/runners", "/runners/verify", "/runners/reset_authentication_token"]);

function isRunnerTokenEndpoint(method: string, path: string): boolean {
  return RUNNER_TOKEN_PATHS.has(path) && (method === "POST" || method === "DELETE");
}

/**
 * The scope a personal, group or project access token needs for an endpoint
 * (lib/api/api_guard.rb `allow_access_with_scope`; docs/gitlab-api.md §1.1): `read_api` reads,
 * `create_runner` only `POST /user/runners`, `manage_runner` only `/runners/:id…`, and `api`
 * everything.
 */
export function scopeNeeded(method: string, path: string): string {
  if (method === "POST" && path === "/user/runners") return "create_runner (or api)";
  if (method === "GET" || method === "HEAD") {
    return path.startsWith("/runners/:id") ? "read_api, manage_runner or api" : "read_api (or api)";
  }
  if (path.startsWith("/runners/:id")) return "manage_runner (or api)";
  return "api";
}

/** The role GitLab requires for an endpoint (app/policies/ci/runner_policy.rb; docs/gitlab-api.md §4). */
export function roleNeeded(method: string, path: string): string {
  if (path === "/runners/all")
    return "an administrator token (GET /runners/all lists every runner on the instance)";
  if (path === "/user/runners") {
    return "an administrator for instance_type runners, the Owner role on the group for group_type runners, or Maintainer on the project for project_type runners";
  }
  if (path === "/projects/:id/runners" && method === "GET") return "the Maintainer role on the project";
  if (path === "/projects/:id/runners" && method === "POST") {
    return "the Maintainer role on the project, and on a project the runner already belongs to; the runner must be an unlocked project runner (group runners cannot be assigned to projects)";
  }
  if (path === "/projects/:id/runners/:runner_id") {
    return "the Maintainer role on the project; a runner cannot be removed from its last or owning project (delete the runner instead)";
  }
  if (path === "/groups/:id/runners")
    return "the Owner role on the group (Maintainer on some GitLab versions)";
  if (method === "GET") {
    return "read access to the runner: any user for instance runners, Owner or Maintainer of the group for group runners, Maintainer of one of its projects for project runners, or an administrator";
  }
  if (method === "DELETE" && path === "/runners/:id") {
    return "an administrator for instance runners, the Owner role on the group for group runners, or Maintainer of the project for project runners; a project runner assigned to several projects can only be deleted by an administrator";
  }
  return "an administrator for instance runners, the Owner role on the group for group runners, or Maintainer of the owning project for project runners";
}

/** A sentence the user can act on, or `undefined` when we have nothing better than GitLab's text. */
export function hintFor(ctx: HintContext): string | undefined {
  const { code, method, path } = ctx;
  switch (code) {
    case "unauthorized":
      return "GitLab did not accept the token: it is invalid, expired or revoked. Create a new access token and set it with `pulumi config set --secret gitlab:token …` or GITLAB_TOKEN.";
    case "insufficient_scope":
      return `The token lacks the scope for ${method} ${path}; it needs ${scopeNeeded(method, path)}${
        ctx.allowedScopes ? ` (GitLab accepts: ${ctx.allowedScopes})` : ""
      }.`;
    case "forbidden":
      if (isRunnerTokenEndpoint(method, path)) {
        return path === "/runners" && method === "POST"
          ? "The registration token is invalid or was reset. Copy the current one from the group, project or admin runner settings, or create the runner with runnerType and groupId/projectId instead."
          : "The runner authentication token is invalid, expired or its runner was deleted.";
      }
      return `The token's user lacks permission for ${method} ${path}: this needs ${roleNeeded(method, path)}.`;
    case "not_found":
      if (path.startsWith("/projects/:id"))
        return "The project does not exist or this token cannot see it; check the id or full path (e.g. group/subgroup/project).";
      if (path.startsWith("/groups/:id"))
        return "The group does not exist or this token cannot see it; check the id or full path.";
      if (path.startsWith("/runners/:id"))
        return "The runner does not exist (it may have been deleted outside Pulumi) or this token cannot see it.";
      return undefined;
    case "unsupported":
      return `This GitLab version has no ${method} ${path} endpoint; upgrade GitLab or avoid this operation.`;
    case "registration_disallowed":
      return "This GitLab does not allow runner registration tokens (disabled by default since GitLab 17.0). Create the runner with `runnerType` and `groupId` or `projectId` instead of `registrationToken`; that uses POST /user/runners and a token with the create_runner scope.";
    case "already_assigned":
      return "The runner is already assigned to this project; nothing needs to change.";
    case "rate_limited":
      return `GitLab kept rate limiting${ctx.throttleName ? ` (${ctx.throttleName})` : ""} after ${ctx.attempts ?? 1} attempt(s). Lower gitlab:maxConcurrency or \`pulumi up --parallel\`, raise gitlab:retries or gitlab:timeoutMs (the time an operation may spend waiting), or try again later.`;
    case "server_error":
      return method === "POST"
        ? "GitLab failed while handling a create; it may or may not have been applied, so it was not retried. Check GitLab before trying again."
        : "GitLab kept failing; check its health (or the proxy in front of it) and try again.";
    case "tls":
      return `The TLS connection failed${ctx.networkCode ? ` (${ctx.networkCode})` : ""}: the server certificate is not trusted or does not match the host. Set gitlab:cacertFile to the PEM file of the CA that signed it (or NODE_EXTRA_CA_CERTS); use gitlab:insecure only for testing.`;
    case "connection_refused":
      return `Nothing accepted the connection${ctx.baseUrl ? ` at ${ctx.baseUrl}` : ""}. Check gitlab:baseUrl (GITLAB_BASE_URL), that GitLab is running, and any HTTPS_PROXY/NO_PROXY settings.`;
    case "timeout":
      return method === "POST"
        ? "GitLab did not answer in time; the change may or may not have been applied, so it was not retried. Raise gitlab:timeoutMs if GitLab is slow."
        : "GitLab did not answer in time. Raise gitlab:timeoutMs if GitLab is slow, or check the network and proxy.";
    case "network":
      if (ctx.networkCode === "ENOTFOUND")
        return "The GitLab host name does not resolve; check gitlab:baseUrl (GITLAB_BASE_URL) and DNS.";
      return method === "POST"
        ? "The connection dropped after the request was sent; the change may have been applied, so it was not retried."
        : "The connection to GitLab failed or dropped; check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and gitlab:baseUrl.";
    case "invalid_response":
      return "GitLab (or a proxy in front of it) sent a response this provider cannot read; check that gitlab:baseUrl points at the GitLab API.";
    default:
      return undefined;
  }
}
