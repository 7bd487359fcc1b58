import { CONNECT_PHASE_CODES, isTlsCode } from "../errors/network-codes";
import { headerValue, parseRateLimit, parseRetryAfter, type ResponseHeaders } from "./headers";

/** What one attempt ended with, as far as the retry policy cares. */
export type AttemptOutcome =
  | { kind: "response"; status: number; headers: ResponseHeaders }
  | {
      kind: "network";
      /** The transport error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
      code: string;
      /** Whether undici had started writing the request to a socket (`onRequestStart`). */
      requestStarted: boolean;
    }
  /** A 2xx whose body could not be read as JSON (truncated, or an HTML page). */
  | { kind: "unreadable_body"; status: number };

/** The policy's verdict on one failed attempt. */
export interface RetryDecision {
  retry: boolean;
  /** Why, in a few words, for the debug log. */
  reason: string;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * Decides whether a failed attempt may be repeated (docs/design.md decision 9).
 *
 * GET, PUT and DELETE are idempotent and retry on 429, 5xx and network failures. POST creates
 * (a runner, a token) and GitLab has no idempotency key, so a POST is repeated only when GitLab
 * provably did not act: a 429 (Rack::Attack and `check_rate_limit!` reject before the endpoint
 * runs) or a failure while connecting, before undici wrote a byte. A reset, a drop or a
 * timeout after the request was written is never retried: the runner may exist and its token
 * is shown only once. go-gitlab and gitbeaker retry POSTs on 5xx; that is what we avoid.
 */
export function decideRetry(method: string, outcome: AttemptOutcome): RetryDecision {
  const idempotent = IDEMPOTENT.has(method.toUpperCase());
  switch (outcome.kind) {
    case "response": {
      const { status } = outcome;
      if (status === 429) return { retry: true, reason: "rate limited (429)" };
      if (status >= 500 && status !== 501) {
        return idempotent
          ? { retry: true, reason: `server error (${status})` }
          : { retry: false, reason: `server error (${status}) on a non-idempotent request` };
      }
      return { retry: false, reason: `status ${status} is final` };
    }
    case "network": {
      const { code, requestStarted } = outcome;
      if (isTlsCode(code)) return { retry: false, reason: `TLS failure (${code}) is permanent` };
      if (code === "ENOTFOUND") return { retry: false, reason: "host name does not resolve" };
      if (code === "UND_ERR_ABORTED" || code === "ABORT_ERR") return { retry: false, reason: "aborted" };
      if (idempotent) return { retry: true, reason: `network failure (${code})` };
      // Both conditions: MockAgent and proxies may fail a request without `onRequestStart`, so
      // the code must also be one that only happens while connecting.
      if (!requestStarted && CONNECT_PHASE_CODES.has(code)) {
        return { retry: true, reason: `connect failure (${code}) before the request was sent` };
      }
      return { retry: false, reason: `network failure (${code}) after the request may have been sent` };
    }
    case "unreadable_body":
      return idempotent
        ? { retry: true, reason: `unreadable response body (${outcome.status})` }
        : {
            retry: false,
            reason: `unreadable response body (${outcome.status}) on a non-idempotent request`,
          };
  }
}

/** Inputs to {@link computeWait}. */
export interface WaitInput {
  /** 1 for the wait after the first attempt. */
  retryNumber: number;
  /** Response headers of the failed attempt, if there was a response. */
  headers?: ResponseHeaders | undefined;
  /** HTTP status of the failed attempt, if any. */
  status?: number | undefined;
  nowMs: number;
  /** Base of the exponential backoff. */
  baseDelayMs: number;
  /** Ceiling of one backoff step (before jitter). */
  maxBackoffMs: number;
  /** A number in [0, 1). */
  random: number;
}

/** How long to wait and which rule said so. */
export interface WaitPlan {
  ms: number;
  source: "retry-after" | "ratelimit-reset" | "backoff";
}

// GitLab's RateLimit-Reset has one-second resolution; waking a little after it avoids a second
// 429 at the boundary (octokit plugin-throttling adds a second for the same reason).
const RESET_MARGIN_MS = 500;

/**
 * The wait before the next attempt: `Retry-After` first, then (on 429) `RateLimit-Reset` /
 * `RateLimit-ResetTime`, then exponential backoff with equal jitter. GitLab omits the headers
 * on endpoint-level limits (lib/api/helpers/rate_limiter.rb) and sometimes on gitlab.com 429s
 * (gitlab-org/gitlab#365728), hence the fallback.
 */
export function computeWait(input: WaitInput): WaitPlan {
  const { headers, nowMs } = input;
  if (headers !== undefined) {
    const retryAfter = parseRetryAfter(headerValue(headers, "retry-after"), nowMs);
    if (retryAfter !== undefined) return { ms: retryAfter, source: "retry-after" };
    if (input.status === 429) {
      const { resetAtMs } = parseRateLimit(headers, nowMs);
      if (resetAtMs !== undefined && resetAtMs > nowMs) {
        return { ms: resetAtMs - nowMs + RESET_MARGIN_MS, source: "ratelimit-reset" };
      }
    }
  }
  const exponential = Math.min(
    input.maxBackoffMs,
    input.baseDelayMs * 2 ** Math.max(0, input.retryNumber - 1),
  );
  const jittered = exponential / 2 + input.random * (exponential / 2);
  return { ms: Math.round(jittered), source: "backoff" };
}
