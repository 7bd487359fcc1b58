import { type Redactor, redactPatterns } from "../redact";

/**
 * Stable error codes. Callers branch on `code`, never on message text (undici's convention,
 * https://github.com/nodejs/undici/blob/main/docs/docs/api/Errors.md: "prefer matching on `error.code`").
 */
export const GITLAB_ERROR_CODES = [
  /** 401: the token is missing, invalid, expired or revoked. */
  "unauthorized",
  /** 403 `insufficient_scope`: the token works but lacks the scope this endpoint needs. */
  "insufficient_scope",
  /** 403: the token's user lacks the role (or the runner token is invalid, on runner-token endpoints). */
  "forbidden",
  /** 404 from a known route: the runner, project or group does not exist or is invisible. */
  "not_found",
  /** 404 from GitLab's catch-all route: this GitLab version does not have the endpoint. */
  "unsupported",
  /** 400/422: GitLab rejected a parameter or a model validation. */
  "validation",
  /**
   * 400: a plan limit would be exceeded (`ci_registered_project_runners`,
   * `ci_registered_group_runners`: "Maximum number of … runners (N) exceeded").
   */
  "limit_exceeded",
  /** 410 on `POST /runners`: registration tokens are disabled on this GitLab. */
  "registration_disallowed",
  /** 400 on `POST /projects/:id/runners`: the runner is already assigned to that project. */
  "already_assigned",
  /** 409/412: resource lock or `If-Unmodified-Since` precondition. */
  "conflict",
  /** 429 after the last retry, or a wait longer than the configured caps. */
  "rate_limited",
  /** 5xx after the last retry (or at once for a POST). */
  "server_error",
  /** Any other unexpected HTTP status. */
  "http_error",
  /** The connection failed or dropped (reset, closed, unreachable, DNS). */
  "network",
  /** Connect, headers or body timeout, or the overall deadline for the operation. */
  "timeout",
  /** The TLS handshake failed, usually an untrusted or mismatched certificate. */
  "tls",
  /** Nothing listens at the configured address. */
  "connection_refused",
  /** GitLab answered with a body we cannot use (not JSON, truncated, a needed field missing). */
  "invalid_response",
  /** The client configuration is missing or malformed. */
  "config",
  /** An argument was rejected before anything was sent. */
  "invalid_argument",
  /** The caller aborted the operation. */
  "aborted",
] as const;

/** One of {@link GITLAB_ERROR_CODES}. */
export type GitLabErrorCode = (typeof GITLAB_ERROR_CODES)[number];

/** GitLab's own error text: a string, or a model-validation hash keyed by attribute. */
export type GitLabMessage = string | Record<string, string[]>;

/** Everything a {@link GitLabError} is built from. Every string is redacted on construction. */
export interface GitLabErrorInit {
  /** Stable code. */
  code: GitLabErrorCode;
  /** One sentence saying what failed, without the hint. */
  summary: string;
  /** HTTP method of the request, e.g. `POST`. */
  method: string;
  /** Path template relative to `/api/v4`, e.g. `/runners/:id`; never a concrete token-bearing path. */
  path: string;
  /** HTTP status, when a response arrived. */
  status?: number | undefined;
  /** GitLab's message, from whichever body shape it sent. */
  gitlabMessage?: GitLabMessage | undefined;
  /** GitLab's `X-Request-Id` response header, for support requests. */
  requestId?: string | undefined;
  /** How many attempts were made, including the first. */
  attempts?: number | undefined;
  /** What the user can do about it. */
  hint?: string | undefined;
  /** True when the request may have been applied although no definite answer arrived. */
  outcomeUnknown?: boolean | undefined;
  /** Milliseconds GitLab asked us to wait (Retry-After / RateLimit-Reset), when known. */
  retryAfterMs?: number | undefined;
  /** The underlying failure; it is copied into a redacted plain `Error`, never kept as is. */
  cause?: unknown;
}

const kGitLabError = Symbol.for("pulumi-gitlab-runners.GitLabError");

/**
 * The one error type of the GitLab layer (modelled on octokit's `RequestError` and undici's
 * coded errors). Redacted when built: no token, header value or request body is ever kept in
 * `message`, `stack`, `cause` or any field.
 */
export class GitLabError extends Error {
  override readonly name = "GitLabError";
  /** Stable code; see {@link GITLAB_ERROR_CODES}. */
  readonly code: GitLabErrorCode;
  /** HTTP status when GitLab answered; absent for network failures. */
  readonly status?: number;
  /** HTTP method. */
  readonly method: string;
  /** Path template, e.g. `/runners/:id`. */
  readonly path: string;
  /** GitLab's message (`message`, `error`/`error_description`, or a validation hash). */
  readonly gitlabMessage?: GitLabMessage;
  /** GitLab's `X-Request-Id`. */
  readonly requestId?: string;
  /** Attempts made, including the first. */
  readonly attempts: number;
  /** An action the user can take. */
  readonly hint?: string;
  /**
   * True when the request may have reached GitLab and been applied although no definite answer
   * came back (connection dropped or timed out after sending, or a 5xx). A caller of a
   * non-idempotent operation (creating a runner) must reconcile before trying again
   * (docs/design.md decision 9).
   */
  readonly outcomeUnknown: boolean;
  /** Milliseconds GitLab asked us to wait before trying again, when it said. */
  readonly retryAfterMs?: number;
  readonly [kGitLabError] = true;

  constructor(init: GitLabErrorInit, redactor?: Redactor) {
    const clean = (text: string): string => (redactor ? redactor.redact(text) : redactPatterns(text));
    const hint = init.hint === undefined ? undefined : clean(init.hint);
    const requestId = init.requestId === undefined ? undefined : clean(init.requestId);
    const summary = clean(init.summary);
    const parts = [summary];
    if (requestId) parts.push(`(GitLab request id ${requestId})`);
    if (hint) parts.push(`Hint: ${hint}`);
    super(
      parts.join(" "),
      init.cause === undefined ? undefined : { cause: sanitizeCause(init.cause, clean) },
    );
    this.code = init.code;
    this.method = init.method;
    this.path = clean(init.path);
    this.attempts = init.attempts ?? 1;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    if (init.status !== undefined) this.status = init.status;
    if (init.gitlabMessage !== undefined) this.gitlabMessage = cleanMessage(init.gitlabMessage, clean);
    if (requestId !== undefined) this.requestId = requestId;
    if (hint !== undefined) this.hint = hint;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (typeof this.stack === "string") this.stack = clean(this.stack);
  }

  /**
   * Brand check that works across duplicate copies of this package (Pulumi may load the
   * provider twice: once from the serialized closure, once from node_modules).
   */
  static is(value: unknown): value is GitLabError {
    return (
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[kGitLabError] === true
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return GitLabError.is(value);
  }

  /** A plain, already-redacted view for structured logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      method: this.method,
      path: this.path,
      gitlabMessage: this.gitlabMessage,
      requestId: this.requestId,
      attempts: this.attempts,
      hint: this.hint,
      outcomeUnknown: this.outcomeUnknown,
    };
  }
}

function cleanMessage(message: GitLabMessage, clean: (text: string) => string): GitLabMessage {
  if (typeof message === "string") return clean(message);
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(message)) out[clean(key)] = values.map(clean);
  return out;
}

/**
 * Copies an underlying failure into a fresh `Error` that carries only its name, code and a
 * redacted message and stack. The original (which may reference sockets, requests or
 * headers) is dropped.
 */
function sanitizeCause(cause: unknown, clean: (text: string) => string): Error {
  if (!(cause instanceof Error)) return new Error(clean(String(cause)));
  const copy = new Error(clean(cause.message));
  copy.name = cause.name;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === "string") (copy as Error & { code: string }).code = code;
  copy.stack = typeof cause.stack === "string" ? clean(cause.stack) : `${copy.name}: ${copy.message}`;
  return copy;
}
