import { describe, expect, it } from "vitest";
import { type ParsedErrorBody, parseErrorBody } from "../../provider/gitlab/errors/error-body";
import { codeForStatus } from "../../provider/gitlab/errors/from-request";
import { GitLabError } from "../../provider/gitlab/errors/gitlab-error";
import { hintFor, roleNeeded, scopeNeeded } from "../../provider/gitlab/errors/hints";
import { codeForNetworkError, networkCodeOf } from "../../provider/gitlab/errors/network-codes";
import { assignmentAnswerCode } from "../../provider/gitlab/operations/assignments";

describe("parseErrorBody: every GitLab error shape (docs/gitlab-api.md §1.2)", () => {
  it.each([
    [
      "message string",
      '{"message":"404 Runner Not Found"}',
      "application/json",
      { message: "404 Runner Not Found" },
    ],
    [
      "validation hash",
      '{"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}',
      "application/json",
      { message: { maximum_timeout: ["needs to be at least 10 minutes"] } },
    ],
    [
      "endpoint rate limit",
      '{"message":{"error":"This endpoint has been requested too many times. Try again later."}}',
      "application/json",
      { message: "This endpoint has been requested too many times. Try again later." },
    ],
    [
      "Grape validation",
      '{"error":"runner_type is missing, runner_type does not have a valid value"}',
      "application/json",
      { message: "runner_type is missing, runner_type does not have a valid value" },
    ],
    [
      "unknown route",
      '{"error":"404 Not Found"}',
      "application/json",
      { message: "404 Not Found", unknownRoute: true },
    ],
    [
      "insufficient scope",
      '{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api create_runner"}',
      "application/json",
      {
        message:
          "insufficient_scope: The request requires higher privileges than provided by the access token.",
        oauthError: "insufficient_scope",
        allowedScopes: "api create_runner",
      },
    ],
    [
      "expired token",
      '{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}',
      "application/json",
      {
        message: "invalid_token: Token is expired. You can either do re-authorization or token refresh.",
        oauthError: "invalid_token",
      },
    ],
    ["Rack::Attack plain text", "Retry later\n", "text/plain", { message: "Retry later" }],
    [
      "HTML 502",
      "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>…</body></html>",
      "text/html",
      { message: "HTML error page: 502 Bad Gateway" },
    ],
    ["truncated JSON", '{"message":"40', "application/json", { message: '{"message":"40' }],
    ["empty", "", undefined, {}],
  ])("%s", (_name, body, contentType, expected) => {
    expect(parseErrorBody(body, contentType)).toEqual(expected);
  });
});

describe("codeForStatus", () => {
  const runner = { method: "GET", template: "/runners/:id" };
  const assign = { method: "POST", template: "/projects/:id/runners" };
  const table: Array<[number, { method: string; template: string }, ParsedErrorBody, string]> = [
    [400, runner, { message: { tags_list: ["can not be empty"] } }, "validation"],
    [
      400,
      assign,
      {
        message: "Assign to Validation failed: Runner projects runner has already been taken - runner_error",
      },
      "already_assigned",
    ],
    [
      400,
      assign,
      { message: { assign_to: ["Runner projects runner has already been taken"] } },
      "already_assigned",
    ],
    [401, runner, {}, "unauthorized"],
    [403, runner, { oauthError: "insufficient_scope" }, "insufficient_scope"],
    [403, runner, { message: "403 Forbidden - No access granted" }, "forbidden"],
    [404, runner, { message: "404 Not found" }, "not_found"],
    [404, runner, { message: "404 Not Found", unknownRoute: true }, "unsupported"],
    [409, runner, {}, "conflict"],
    [412, runner, {}, "conflict"],
    [410, { method: "POST", template: "/runners" }, {}, "registration_disallowed"],
    [422, runner, {}, "validation"],
    [429, runner, {}, "rate_limited"],
    [500, runner, {}, "server_error"],
    [502, runner, {}, "server_error"],
    [418, runner, {}, "http_error"],
  ];
  // The route's own meaning (here "already assigned") is the operation's, then the status's.
  const codeOn = (status: number, spec: { template: string }, parsed: ParsedErrorBody) =>
    (spec.template === "/projects/:id/runners" ? assignmentAnswerCode(status, parsed) : undefined) ??
    codeForStatus(status, parsed);
  it.each(table)("%i on %o → %s", (status, spec, parsed, code) => {
    expect(codeOn(status, spec, parsed)).toBe(code);
  });

  it("a 400 with another message on the assignment route is a validation error", () => {
    expect(
      codeOn(400, assign, { message: "runner can only be assigned to projects in the same organization" }),
    ).toBe("validation");
  });
});

describe("network error codes", () => {
  it.each([
    ["ECONNREFUSED", "connection_refused"],
    ["UND_ERR_CONNECT_TIMEOUT", "timeout"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout"],
    ["UND_ERR_BODY_TIMEOUT", "timeout"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["ECONNRESET", "network"],
    ["UND_ERR_SOCKET", "network"],
  ])("%s → %s", (code, expected) => {
    expect(codeForNetworkError(code)).toBe(expected);
  });

  it("finds the most specific code in causes and AggregateErrors", () => {
    const wrapped = Object.assign(new Error("fetch failed"), {
      code: "UND_ERR_SOCKET",
      cause: Object.assign(new AggregateError([Object.assign(new Error("a"), { code: "ECONNREFUSED" })]), {}),
    });
    expect(networkCodeOf(wrapped)).toBe("ECONNREFUSED");
    expect(networkCodeOf("nope")).toBe("UNKNOWN");
  });
});

describe("hints name what to do", () => {
  it.each([
    ["POST", "/user/runners", "create_runner (or api)"],
    ["GET", "/runners/:id", "read_api, manage_runner or api"],
    ["PUT", "/runners/:id", "manage_runner (or api)"],
    ["POST", "/runners/:id/reset_authentication_token", "manage_runner (or api)"],
    ["GET", "/projects/:id/runners", "read_api (or api)"],
    ["POST", "/projects/:id/runners", "api"],
  ])("scope for %s %s", (method, path, scope) => {
    expect(scopeNeeded(method, path)).toBe(scope);
  });

  it("names roles per endpoint", () => {
    expect(roleNeeded("GET", "/runners/all")).toMatch(/administrator/);
    expect(roleNeeded("POST", "/user/runners")).toMatch(/Owner role on the group/);
    expect(roleNeeded("PUT", "/runners/:id")).toMatch(/Maintainer of the owning project/);
    expect(roleNeeded("GET", "/groups/:id/runners")).toMatch(/Owner/);
  });

  it("covers 401, scope, role, 404, 410, 429, TLS and connection refused", () => {
    const h = (
      code: Parameters<typeof hintFor>[0]["code"],
      extra: Partial<Parameters<typeof hintFor>[0]> = {},
    ) => hintFor({ code, method: "POST", path: "/user/runners", ...extra }) ?? "";
    expect(h("unauthorized")).toMatch(/invalid, expired or revoked/);
    expect(h("insufficient_scope", { allowedScopes: "api create_runner" })).toMatch(
      /create_runner.*GitLab accepts: api create_runner/,
    );
    expect(h("forbidden")).toMatch(/Owner role on the group/);
    expect(h("forbidden", { path: "/runners" })).toMatch(/registration token is invalid/);
    expect(h("not_found", { path: "/runners/:id", method: "GET" })).toMatch(/deleted outside Pulumi/);
    expect(h("registration_disallowed", { path: "/runners" })).toMatch(/runnerType.*groupId.*projectId/);
    expect(h("rate_limited", { attempts: 6, throttleName: "throttle_authenticated_api" })).toMatch(
      /throttle_authenticated_api.*6 attempt/,
    );
    expect(h("tls", { networkCode: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" })).toMatch(/gitlab:cacertFile/);
    expect(h("connection_refused", { baseUrl: "https://gitlab.example.com/api/v4" })).toMatch(
      /gitlab\.example\.com.*gitlab:baseUrl/,
    );
  });
});

describe("GitLabError", () => {
  it("carries the fields, a readable message and a brand that survives module copies", () => {
    const error = new GitLabError({
      code: "forbidden",
      summary: "GitLab PUT /runners/:id failed with 403: 403 Forbidden - No access granted.",
      method: "PUT",
      path: "/runners/:id",
      status: 403,
      gitlabMessage: "403 Forbidden - No access granted",
      requestId: "01HREQ",
      attempts: 1,
      hint: "needs Maintainer",
    });
    expect(error.message).toBe(
      "GitLab PUT /runners/:id failed with 403: 403 Forbidden - No access granted. (GitLab request id 01HREQ) Hint: needs Maintainer",
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(GitLabError);
    expect(GitLabError.is({ [Symbol.for("pulumi-gitlab-runners.GitLabError")]: true })).toBe(true);
    expect(GitLabError.is(new Error("x"))).toBe(false);
    expect(error.toJSON()).toMatchObject({
      code: "forbidden",
      status: 403,
      requestId: "01HREQ",
      outcomeUnknown: false,
    });
  });
});
