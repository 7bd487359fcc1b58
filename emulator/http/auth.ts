import type { IncomingHttpHeaders } from "node:http";
import type { Store, TokenOwner } from "../state/store";
import type { TokenScope, UserRecord } from "../types";
import { insufficientScope, invalidToken, unauthorized } from "./errors";

/**
 * Which PAT scopes an endpoint accepts (docs/gitlab-api.md §1.1, api_guard.rb `allow_access_with_scope`).
 * - `runners`: /runners and /runners/all — api, read_api for reads; others 403.
 * - `runner`: /runners/:id… — also manage_runner (the scope is limited to paths with an :id).
 * - `user_runners`: POST /user/runners — api or create_runner.
 * - `namespace`: /projects/… and /groups/… — a create_runner/manage_runner-only PAT does not
 *   authenticate there at all (401), read_api on a write is 403.
 * - `namespace_list`: GET /projects/:id/runners and GET /groups/:id/runners — a PAT without
 *   api/read_api is 403 insufficient_scope there, not 401 (spec/requests/api/ci/runners_spec.rb
 *   "when scope is forbidden", forbidden_scopes: create_runner, manage_runner).
 * - `user`: GET /user and /version — api, read_api, read_user.
 */
export type ScopeFamily = "runners" | "runner" | "user_runners" | "namespace" | "namespace_list" | "user";

export function allowedScopes(family: ScopeFamily, method: string): TokenScope[] {
  const read = method === "GET" || method === "HEAD";
  switch (family) {
    case "runners":
      return read ? ["api", "read_api"] : ["api"];
    case "runner":
      return read ? ["api", "read_api", "manage_runner"] : ["api", "manage_runner"];
    case "user_runners":
      return ["api", "create_runner"];
    case "namespace":
    case "namespace_list":
      return read ? ["api", "read_api"] : ["api"];
    case "user":
      return ["api", "read_api", "read_user"];
  }
}

/** The credential of a request: PRIVATE-TOKEN header, private_token query, or Bearer. */
export function extractToken(headers: IncomingHttpHeaders, query: URLSearchParams | null): string | null {
  const header = headers["private-token"];
  if (typeof header === "string" && header !== "") return header;
  const fromQuery = query?.get("private_token");
  if (fromQuery) return fromQuery;
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match?.[1]) return match[1].trim();
  }
  return null;
}

/** `authenticate!`: resolves the user or throws GitLab's 401/403. */
export function authenticate(
  store: Store,
  token: string | null,
  family: ScopeFamily,
  method: string,
  now: number,
): UserRecord {
  if (token === null) throw unauthorized();
  const owner: TokenOwner | undefined = store.tokens.get(token);
  if (owner === undefined) throw unauthorized();
  if (owner.token.expiresAt !== null && Date.parse(owner.token.expiresAt) <= now)
    throw invalidToken("expired");
  if (owner.token.revoked) throw invalidToken("revoked");
  const allowed = allowedScopes(family, method);
  const scopes = owner.token.scopes;
  if (!scopes.some((s) => allowed.includes(s))) {
    if (family === "namespace" && !scopes.includes("api") && !scopes.includes("read_api"))
      throw unauthorized();
    throw insufficientScope(allowed);
  }
  return owner.user;
}
