/**
 * Building the transport's `GitLabError` from what a request produced: an HTTP error answer, a
 * body we cannot use, a network failure, a deadline or a caller's abort. One place, so every
 * failure carries the same fields (code, status, method, path template, GitLab's message,
 * request id, attempts, hint, whether it may have been applied) and is redacted when built.
 */
import type { Redactor } from "../redact";
import { headerValue, type ResponseHeaders } from "../resilience/headers";
import { messageText, type ParsedErrorBody } from "./error-body";
import { GitLabError, type GitLabErrorCode } from "./gitlab-error";
import { hintFor } from "./hints";
import { codeForNetworkError } from "./network-codes";

/** The request a failure belongs to. */
export interface FailedRequest {
  method: string;
  template: string;
  /**
   * What an error answer means on this route, where that differs from the status alone (the
   * operation that owns the route says so, e.g. "already assigned"); `undefined` falls back to
   * {@link codeForStatus}.
   */
  codeFor?: ((status: number, parsed: ParsedErrorBody) => GitLabErrorCode | undefined) | undefined;
}

/** An HTTP answer GitLab gave instead of success. */
export interface ErrorAnswer {
  status: number;
  headers: ResponseHeaders;
  parsed: ParsedErrorBody;
}

/** How the attempts went. */
export interface AttemptsSoFar {
  attempts: number;
  /** True when some attempt may have reached GitLab and been applied. */
  ambiguous: boolean;
}

/** GitLab's message when a plan limit on registered runners would be exceeded. */
export const PLAN_LIMIT = /Maximum number of (ci registered (project|group) runners) \((\d+)\) exceeded/i;

/** Our code for an HTTP failure (docs/gitlab-api.md §1.2 for the body shapes). */
export function codeForStatus(status: number, parsed: ParsedErrorBody): GitLabErrorCode {
  if (status === 400 || status === 422) {
    // The plan limits on registered runners (app/models/concerns/limitable.rb; docs/gitlab-api.md
    // §13.1) answer registration, creation and assignment alike with this validation message.
    const text = parsed.message === undefined ? "" : messageText(parsed.message);
    return PLAN_LIMIT.test(text) ? "limit_exceeded" : "validation";
  }
  if (status === 401) return "unauthorized";
  if (status === 403) return parsed.oauthError === "insufficient_scope" ? "insufficient_scope" : "forbidden";
  if (status === 404) return parsed.unknownRoute ? "unsupported" : "not_found";
  if (status === 409 || status === 412) return "conflict";
  if (status === 410) return "registration_disallowed";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  return "http_error";
}

/** A non-2xx answer. `retryAfterMs` is set only when GitLab asked for a wait. */
export function answerError(
  req: FailedRequest,
  answer: ErrorAnswer,
  so: AttemptsSoFar,
  redactor: Redactor,
  retryAfterMs?: number,
): GitLabError {
  const { status, headers, parsed } = answer;
  const code = req.codeFor?.(status, parsed) ?? codeForStatus(status, parsed);
  const text = parsed.message === undefined ? "" : `: ${messageText(parsed.message)}`;
  return new GitLabError(
    {
      code,
      // GitLab's own message may end with a full stop already; never print two.
      summary: `GitLab ${req.method} ${req.template} failed with ${status}${text.replace(/\.$/, "")}${so.attempts > 1 ? ` (after ${so.attempts} attempts)` : ""}.`,
      method: req.method,
      path: req.template,
      status,
      gitlabMessage: parsed.message,
      requestId: headerValue(headers, "x-request-id"),
      attempts: so.attempts,
      outcomeUnknown: req.method !== "GET" && (status >= 500 || so.ambiguous),
      retryAfterMs,
      hint: hintFor({
        code,
        method: req.method,
        path: req.template,
        allowedScopes: parsed.allowedScopes,
        attempts: so.attempts,
        throttleName: headerValue(headers, "ratelimit-name"),
      }),
    },
    redactor,
  );
}

/** A 2xx answer whose body is not JSON (truncated, or not from the GitLab API). */
export function unreadableBodyError(
  req: FailedRequest,
  answer: Omit<ErrorAnswer, "parsed">,
  so: AttemptsSoFar,
  redactor: Redactor,
): GitLabError {
  return new GitLabError(
    {
      code: "invalid_response",
      summary: `GitLab ${req.method} ${req.template} answered ${answer.status} with a body that is not valid JSON (truncated or not from the GitLab API).`,
      method: req.method,
      path: req.template,
      status: answer.status,
      requestId: headerValue(answer.headers, "x-request-id"),
      attempts: so.attempts,
      outcomeUnknown: req.method !== "GET" && so.ambiguous,
      hint: hintFor({ code: "invalid_response", method: req.method, path: req.template }),
    },
    redactor,
  );
}

/** A 2xx answer that is JSON but not what the operation needs (not a list, repeating pages). */
export function unusableAnswerError(
  req: FailedRequest,
  answer: { status: number; requestId?: string | undefined; attempts: number },
  problem: string,
  redactor: Redactor,
): GitLabError {
  return new GitLabError(
    {
      code: "invalid_response",
      summary: `GitLab ${req.method} ${req.template} answered ${answer.status} but ${problem}.`,
      method: req.method,
      path: req.template,
      status: answer.status,
      requestId: answer.requestId,
      attempts: answer.attempts,
      hint: hintFor({ code: "invalid_response", method: req.method, path: req.template }),
    },
    redactor,
  );
}

function describeNetworkCode(code: string): string {
  switch (codeForNetworkError(code)) {
    case "connection_refused":
      return "connection refused";
    case "timeout":
      return code === "UND_ERR_CONNECT_TIMEOUT"
        ? "connect timeout"
        : code === "UND_ERR_HEADERS_TIMEOUT"
          ? "no response headers in time"
          : "response body stalled";
    case "tls":
      return "TLS handshake failed";
    default:
      return code === "ENOTFOUND" ? "host not found" : "connection failed or dropped";
  }
}

/** The connection failed, stalled or dropped (`networkCode` is undici's or Node's code). */
export function networkError(
  req: FailedRequest,
  networkCode: string,
  cause: unknown,
  so: AttemptsSoFar,
  apiUrl: string,
  redactor: Redactor,
): GitLabError {
  const code = codeForNetworkError(networkCode);
  return new GitLabError(
    {
      code,
      summary: `GitLab ${req.method} ${req.template} failed: ${describeNetworkCode(networkCode)} (${networkCode})${so.attempts > 1 ? ` after ${so.attempts} attempts` : ""}.`,
      method: req.method,
      path: req.template,
      attempts: so.attempts,
      outcomeUnknown: req.method !== "GET" && so.ambiguous,
      hint: hintFor({ code, method: req.method, path: req.template, baseUrl: apiUrl, networkCode }),
      cause,
    },
    redactor,
  );
}

/** The operation's deadline passed (`timeoutMs`), or the caller aborted it. */
export function deadlineError(
  req: FailedRequest,
  byCaller: boolean,
  timeoutMs: number,
  so: AttemptsSoFar,
  redactor: Redactor,
  cause?: unknown,
): GitLabError {
  const code: GitLabErrorCode = byCaller ? "aborted" : "timeout";
  return new GitLabError(
    {
      code,
      summary: byCaller
        ? `GitLab ${req.method} ${req.template} was aborted by the caller.`
        : `GitLab ${req.method} ${req.template} did not complete within ${timeoutMs}ms (gitlab:timeoutMs)${so.attempts > 0 ? ` after ${so.attempts} attempt(s)` : ""}.`,
      method: req.method,
      path: req.template,
      attempts: Math.max(so.attempts, 1),
      outcomeUnknown: req.method !== "GET" && so.ambiguous,
      hint: byCaller ? undefined : hintFor({ code, method: req.method, path: req.template }),
      cause,
    },
    redactor,
  );
}
