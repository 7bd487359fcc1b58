/**
 * GitLab's error bodies (docs/gitlab-api.md §1.2). Handlers throw an ApiError; the server renders it.
 * Each helper mirrors the GitLab helper of the same name in lib/api/helpers.rb.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(typeof body === "object" && body !== null ? JSON.stringify(body) : String(body));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** Grape parameter validation failure: 400 `{"error": "..."}` (key `error`). */
export function paramError(messages: readonly string[]): ApiError {
  return new ApiError(400, { error: messages.join(", ") });
}

/** `unauthorized!`: 401 `{"message":"401 Unauthorized"}`. */
export function unauthorized(): ApiError {
  return new ApiError(401, { message: "401 Unauthorized" });
}

/** `forbidden!(reason)`: 403 `{"message":"403 Forbidden - <reason>"}`. */
export function forbidden(reason?: string): ApiError {
  return new ApiError(403, { message: reason === undefined ? "403 Forbidden" : `403 Forbidden - ${reason}` });
}

/** `bad_request!(reason)`: 400 with lower-case "request". */
export function badRequest(reason?: string): ApiError {
  return new ApiError(400, {
    message: reason === undefined ? "400 Bad request" : `400 Bad request - ${reason}`,
  });
}

/** `not_found!(resource)`: 404 `{"message":"404 <Resource> Not Found"}`. */
export function notFound(resource?: string): ApiError {
  return new ApiError(404, {
    message: resource === undefined ? "404 Not Found" : `404 ${resource} Not Found`,
  });
}

/** `ActiveRecord::RecordNotFound` rescued in api.rb: lower-case "found". */
export function recordNotFound(): ApiError {
  return new ApiError(404, { message: "404 Not found" });
}

/** The catch-all route in api.rb: key `error`. */
export function routeNotFound(): ApiError {
  return new ApiError(404, { error: "404 Not Found" });
}

/** `render_validation_error!`: 400 `{"message":{"<attr>":["..."]}}`. */
export function validationError(errors: Record<string, string[]>): ApiError {
  return new ApiError(400, { message: errors });
}

/** `render_api_error!(message, status)`. */
export function apiError(status: number, message: string): ApiError {
  return new ApiError(status, { message });
}

export function preconditionFailed(): ApiError {
  return new ApiError(412, { message: "412 Precondition Failed" });
}

/** rack-oauth2 Bearer errors raised by api_guard. */
export function invalidToken(reason: "expired" | "revoked"): ApiError {
  return new ApiError(401, {
    error: "invalid_token",
    error_description:
      reason === "expired"
        ? "Token is expired. You can either do re-authorization or token refresh."
        : "Token was revoked. You have to re-authorize from the user.",
  });
}

export function insufficientScope(allowed: readonly string[]): ApiError {
  return new ApiError(403, {
    error: "insufficient_scope",
    error_description: "The request requires higher privileges than provided by the access token.",
    scope: allowed.join(" "),
  });
}
