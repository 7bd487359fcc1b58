/**
 * One attempt of a request: wait for a slot from the governor, send it once, and say what came
 * back in the terms the retry policy decides on. Never throws for an HTTP or network failure:
 * those are values, so the retry loop sees them all.
 */
import type { Dispatcher } from "undici";
import { type ParsedErrorBody, parseErrorBody } from "../errors/error-body";
import type { ErrorAnswer } from "../errors/from-request";
import { CONNECT_PHASE_CODES, isTlsCode, networkCodeOf } from "../errors/network-codes";
import type { GitLabLogger } from "../logger";
import type { Redactor } from "../redact";
import type { Governor } from "../resilience/governor";
import { headerValue, parseRateLimit, type ResponseHeaders } from "../resilience/headers";
import type { AttemptOutcome } from "../resilience/retry";
import type { Operation } from "./deadline";
import { sendOnce } from "./send";
import type { ApiResponse } from "./spec";

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What an attempt needs besides the request. */
export interface AttemptEnvironment {
  dispatcher: Dispatcher;
  governor: Governor;
  logger: GitLabLogger;
  /** Secrets are removed from GitLab's error text before it is shortened. */
  redactor: Redactor;
  origin: string;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** A request ready to send: absolute path with query, headers, serialised body. */
export interface PreparedRequest {
  method: string;
  /** `GET /runners/:id`, for logs. */
  label: string;
  /** ` page 2` for a listing's pages, else empty. */
  page: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** How an attempt ended. */
export type AttemptResult =
  | { kind: "success"; response: Omit<ApiResponse, "attempts"> }
  | {
      kind: "failure";
      outcome: AttemptOutcome;
      /** The HTTP answer, when GitLab gave one. */
      answer?: ErrorAnswer;
      /** A 2xx whose body is not JSON. */
      unreadable: boolean;
      /** undici's or Node's code, for network failures. */
      networkCode?: string;
      error?: unknown;
      /** True when this attempt may have reached GitLab and been applied. */
      ambiguous: boolean;
    }
  /** The operation's deadline passed or the caller aborted, while waiting or sending. */
  | { kind: "aborted"; attempted: boolean; requestStarted: boolean; error?: unknown };

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Sends `req` once, within `op`. */
export async function attempt(
  env: AttemptEnvironment,
  req: PreparedRequest,
  op: Operation,
  attemptNumber: number,
): Promise<AttemptResult> {
  let release: (() => void) | undefined;
  try {
    release = await env.governor.acquire(op.signal, env.logger);
  } catch {
    return { kind: "aborted", attempted: false, requestStarted: false };
  }
  const started = Date.now();
  let result: Awaited<ReturnType<typeof sendOnce>>;
  try {
    result = await sendOnce({
      dispatcher: env.dispatcher,
      origin: env.origin,
      path: req.path,
      method: req.method,
      headers: req.headers,
      body: req.body,
      headersTimeoutMs: env.headersTimeoutMs,
      bodyTimeoutMs: env.bodyTimeoutMs,
      signal: op.signal,
      maxBodyBytes: MAX_BODY_BYTES,
    });
  } finally {
    release();
  }
  const ms = Date.now() - started;

  if (!result.ok) {
    if (op.signal.aborted)
      return { kind: "aborted", attempted: true, requestStarted: result.requestStarted, error: result.error };
    const networkCode = networkCodeOf(result.error);
    env.logger.debug(
      `${req.label}${req.page} failed after ${ms}ms: ${networkCode} (attempt ${attemptNumber}, request ${result.requestStarted ? "sent" : "not sent"})`,
    );
    // Ambiguous unless provably unsent, mirroring the retry rule: the connect phase failed
    // (or TLS, or DNS) before undici started writing.
    const provablyUnsent =
      !result.requestStarted &&
      (CONNECT_PHASE_CODES.has(networkCode) || isTlsCode(networkCode) || networkCode === "ENOTFOUND");
    return {
      kind: "failure",
      outcome: { kind: "network", code: networkCode, requestStarted: result.requestStarted },
      unreadable: false,
      networkCode,
      error: result.error,
      ambiguous: !provablyUnsent,
    };
  }

  const rateLimit = parseRateLimit(result.headers, Date.now());
  env.governor.observe(rateLimit, env.logger);
  const requestId = headerValue(result.headers, "x-request-id");
  env.logger.debug(
    `${req.label}${req.page} → ${result.status} in ${ms}ms (attempt ${attemptNumber}${
      rateLimit.remaining === undefined ? "" : `, RateLimit-Remaining ${rateLimit.remaining}`
    }${rateLimit.name === undefined ? "" : `, ${rateLimit.name}`}${requestId === undefined ? "" : `, request id ${requestId}`})`,
  );
  if (result.status >= 200 && result.status < 300) {
    const parsed = parseJson(result.body);
    if (parsed.ok) {
      return {
        kind: "success",
        response: {
          status: result.status,
          headers: result.headers,
          json: parsed.value,
          ...(requestId === undefined ? {} : { requestId }),
        },
      };
    }
    return {
      kind: "failure",
      outcome: { kind: "unreadable_body", status: result.status },
      answer: { status: result.status, headers: result.headers, parsed: {} },
      unreadable: true,
      ambiguous: true,
    };
  }
  const parsed: ParsedErrorBody = parseErrorBody(
    result.body,
    headerValue(result.headers, "content-type"),
    (t) => env.redactor.redact(t),
  );
  return {
    kind: "failure",
    outcome: { kind: "response", status: result.status, headers: result.headers as ResponseHeaders },
    answer: { status: result.status, headers: result.headers, parsed },
    unreadable: false,
    ambiguous: result.status >= 500,
  };
}
