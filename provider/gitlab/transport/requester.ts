import type { Dispatcher } from "undici";
import { messageText, type ParsedErrorBody, parseErrorBody } from "../errors/error-body";
import { GitLabError, type GitLabErrorCode } from "../errors/gitlab-error";
import { hintFor } from "../errors/hints";
import { CONNECT_PHASE_CODES, codeForNetworkError, isTlsCode, networkCodeOf } from "../errors/network-codes";
import type { GitLabLogger } from "../logger";
import { type Governor, sleep } from "../policy/governor";
import { headerValue, nextPageQuery, parseRateLimit, type ResponseHeaders } from "../policy/headers";
import { type AttemptOutcome, computeWait, decideRetry } from "../policy/retry";
import type { Redactor } from "../redact";
import { sendOnce } from "./send";
import { userAgent } from "./user-agent";

/** A query parameter; arrays are sent comma-joined (GitLab's `CommaSeparatedToArray`). */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** One API call, described by an operation. */
export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path template relative to `/api/v4`, used in logs and errors, e.g. `/runners/:id`. */
  template: string;
  /** Concrete path relative to `/api/v4`, e.g. `/runners/42`. Never contains a token. */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. Tokens travel here, never in the query string (gitbeaker's leak). */
  body?: Readonly<Record<string, unknown>>;
  /**
   * Send the user token. Runner-token endpoints authenticate with the runner token in the
   * body and need no user token, so they do not get it.
   * @default true
   */
  auth?: boolean;
  /** Values to redact from anything this request logs or throws (runner tokens). */
  secrets?: ReadonlyArray<string | undefined>;
  signal?: AbortSignal | undefined;
}

/** A successful (2xx) response, body already parsed. */
export interface ApiResponse {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON, or `undefined` for an empty body (204). */
  json: unknown;
  requestId?: string;
  attempts: number;
}

/** Everything the requester needs; the client builds it from {@link GitLabClientConfig}. */
export interface RequesterOptions {
  /** API root, e.g. `https://gitlab.example.com/api/v4`. */
  apiUrl: string;
  token: string;
  authHeader: "private-token" | "bearer";
  dispatcher: Dispatcher;
  governor: Governor;
  logger: GitLabLogger;
  redactor: Redactor;
  retries: number;
  timeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxRetryWaitMs: number;
  maxTotalRetryWaitMs: number;
  retryBaseDelayMs: number;
  random: () => number;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const PER_PAGE = 100;
const MAX_PAGES = 1_000;

/** Per-operation state shared by the pages of a listing. */
interface OperationContext {
  signal: AbortSignal;
  /** Aborted by the operation deadline only (distinguishes a timeout from a caller abort). */
  deadline: AbortSignal;
  /** Epoch ms at which the deadline fires. */
  deadlineAt: number;
  callerSignal?: AbortSignal | undefined;
  dispose(): void;
}

/**
 * Sends API calls: auth and User-Agent headers, the concurrency governor, the retry policy
 * with its waits, the per-operation deadline, pagination, debug logging and error building.
 */
export class Requester {
  readonly #o: RequesterOptions;
  readonly #origin: string;
  readonly #prefix: string;

  constructor(options: RequesterOptions) {
    this.#o = options;
    const url = new URL(options.apiUrl);
    this.#origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, "");
  }

  /** The API root this requester talks to. */
  get apiUrl(): string {
    return this.#o.apiUrl;
  }

  /** One call, retried per policy, within the operation deadline. */
  async request(spec: RequestSpec): Promise<ApiResponse> {
    const ctx = this.#context(spec.signal);
    try {
      return await this.#execute(spec, ctx);
    } finally {
      ctx.dispose();
    }
  }

  /**
   * Every page of a listing (`per_page=100`), following `X-Next-Page` / `Link`, within one
   * operation deadline. Returns the concatenated items.
   */
  async paginate(spec: RequestSpec): Promise<unknown[]> {
    const ctx = this.#context(spec.signal);
    try {
      const items: unknown[] = [];
      let query: Record<string, QueryValue> = { ...spec.query, per_page: PER_PAGE, page: 1 };
      const seen = new Set<string>();
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const response = await this.#execute({ ...spec, query }, ctx);
        if (!Array.isArray(response.json)) {
          throw this.#invalid(spec, response, "the body is not a JSON array");
        }
        items.push(...(response.json as unknown[]));
        const next = nextPageQuery(response.headers);
        if (next === undefined) return items;
        const key = JSON.stringify(next);
        if (seen.has(key)) throw this.#invalid(spec, response, "pagination links repeat a page");
        seen.add(key);
        query = { ...spec.query, per_page: PER_PAGE, ...next };
      }
      throw new GitLabError(
        {
          code: "invalid_response",
          summary: `GitLab ${spec.method} ${spec.template} returned more than ${MAX_PAGES} pages.`,
          method: spec.method,
          path: spec.template,
        },
        this.#o.redactor,
      );
    } finally {
      ctx.dispose();
    }
  }

  #context(callerSignal: AbortSignal | undefined): OperationContext {
    const deadlineController = new AbortController();
    const timer = setTimeout(() => {
      deadlineController.abort(
        Object.assign(new Error("operation deadline exceeded"), { code: "DEADLINE_EXCEEDED" }),
      );
    }, this.#o.timeoutMs);
    timer.unref?.();
    const signal = callerSignal
      ? AbortSignal.any([deadlineController.signal, callerSignal])
      : deadlineController.signal;
    return {
      signal,
      deadline: deadlineController.signal,
      deadlineAt: Date.now() + this.#o.timeoutMs,
      callerSignal,
      dispose: () => clearTimeout(timer),
    };
  }

  async #execute(spec: RequestSpec, ctx: OperationContext): Promise<ApiResponse> {
    const o = this.#o;
    o.redactor.add(...(spec.secrets ?? []));
    const path = this.#path(spec);
    const headers: Record<string, string> = { "user-agent": userAgent(), accept: "application/json" };
    if (spec.auth !== false) {
      if (o.authHeader === "bearer") headers.authorization = `Bearer ${o.token}`;
      else headers["private-token"] = o.token;
    }
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers["content-type"] = "application/json";
    }
    const label = `${spec.method} ${spec.template}`;
    const page = spec.query?.page === undefined ? "" : ` page ${String(spec.query.page)}`;
    let totalWaitMs = 0;
    let ambiguous = false;

    for (let attempt = 1; ; attempt += 1) {
      let release: (() => void) | undefined;
      try {
        release = await o.governor.acquire(ctx.signal, o.logger);
      } catch {
        throw this.#abortError(spec, ctx, attempt - 1, ambiguous);
      }
      const started = Date.now();
      let result: Awaited<ReturnType<typeof sendOnce>>;
      try {
        result = await sendOnce({
          dispatcher: o.dispatcher,
          origin: this.#origin,
          path,
          method: spec.method,
          headers,
          body,
          headersTimeoutMs: o.headersTimeoutMs,
          bodyTimeoutMs: o.bodyTimeoutMs,
          signal: ctx.signal,
          maxBodyBytes: MAX_BODY_BYTES,
        });
      } finally {
        release();
      }
      const ms = Date.now() - started;

      let outcome: AttemptOutcome;
      let failure: { status: number; headers: ResponseHeaders; parsed: ParsedErrorBody } | undefined;
      let networkCode: string | undefined;
      if (result.ok) {
        const rateLimit = parseRateLimit(result.headers, Date.now());
        o.governor.observe(rateLimit, o.logger);
        const requestId = headerValue(result.headers, "x-request-id");
        o.logger.debug(
          `${label}${page} → ${result.status} in ${ms}ms (attempt ${attempt}${
            rateLimit.remaining === undefined ? "" : `, RateLimit-Remaining ${rateLimit.remaining}`
          }${rateLimit.name === undefined ? "" : `, ${rateLimit.name}`}${requestId === undefined ? "" : `, request id ${requestId}`})`,
        );
        if (result.status >= 200 && result.status < 300) {
          const parsed = parseJson(result.body);
          if (parsed.ok) {
            const response: ApiResponse = {
              status: result.status,
              headers: result.headers,
              json: parsed.value,
              attempts: attempt,
            };
            if (requestId !== undefined) response.requestId = requestId;
            return response;
          }
          outcome = { kind: "unreadable_body", status: result.status };
          failure = { status: result.status, headers: result.headers, parsed: {} };
        } else {
          outcome = { kind: "response", status: result.status, headers: result.headers };
          failure = {
            status: result.status,
            headers: result.headers,
            parsed: parseErrorBody(result.body, headerValue(result.headers, "content-type")),
          };
        }
        if (result.status >= 500 || outcome.kind === "unreadable_body") ambiguous = true;
      } else {
        if (ctx.signal.aborted)
          throw this.#abortError(spec, ctx, attempt, ambiguous || result.requestStarted, result.error);
        networkCode = networkCodeOf(result.error);
        outcome = { kind: "network", code: networkCode, requestStarted: result.requestStarted };
        // Ambiguous unless provably unsent, mirroring the retry rule: the connect phase failed
        // (or TLS, or DNS) before undici started writing.
        const provablyUnsent =
          !result.requestStarted &&
          (CONNECT_PHASE_CODES.has(networkCode) || isTlsCode(networkCode) || networkCode === "ENOTFOUND");
        if (!provablyUnsent) ambiguous = true;
        o.logger.debug(
          `${label}${page} failed after ${ms}ms: ${networkCode} (attempt ${attempt}, request ${result.requestStarted ? "sent" : "not sent"})`,
        );
      }

      const decision = decideRetry(spec.method, outcome);
      const finalError = (extra?: { retryAfterMs?: number }): GitLabError =>
        failure !== undefined
          ? this.#responseError(spec, failure, outcome.kind === "unreadable_body", attempt, ambiguous, extra)
          : this.#networkError(
              spec,
              networkCode ?? "UNKNOWN",
              result.ok ? undefined : result.error,
              attempt,
              ambiguous,
            );

      if (!decision.retry) {
        o.logger.debug(`${label}: not retrying (${decision.reason})`);
        throw finalError();
      }
      if (attempt > o.retries) {
        o.logger.debug(`${label}: giving up after ${attempt} attempts (${decision.reason})`);
        throw finalError();
      }
      const plan = computeWait({
        retryNumber: attempt,
        headers: failure?.headers,
        status: failure?.status,
        nowMs: Date.now(),
        baseDelayMs: o.retryBaseDelayMs,
        maxBackoffMs: o.maxRetryWaitMs,
        random: o.random(),
      });
      // Only a wait GitLab asked for is reported as `retryAfterMs`, never our own backoff.
      const asked = plan.source === "backoff" ? {} : { retryAfterMs: plan.ms };
      if (plan.ms > o.maxRetryWaitMs) {
        o.logger.warn(
          `${label}: GitLab asked to wait ${Math.ceil(plan.ms / 1000)}s (${plan.source}), more than the ${Math.ceil(o.maxRetryWaitMs / 1000)}s allowed; giving up`,
        );
        throw finalError(asked);
      }
      if (totalWaitMs + plan.ms > o.maxTotalRetryWaitMs) {
        o.logger.debug(
          `${label}: giving up; waiting ${plan.ms}ms more would exceed the total wait budget of ${o.maxTotalRetryWaitMs}ms`,
        );
        throw finalError(asked);
      }
      if (Date.now() + plan.ms >= ctx.deadlineAt) {
        // Waiting would only end in a timeout; GitLab's own answer says more.
        o.logger.debug(
          `${label}: giving up; waiting ${plan.ms}ms would pass the ${o.timeoutMs}ms deadline (gitlab:timeoutMs)`,
        );
        throw finalError(asked);
      }
      totalWaitMs += plan.ms;
      const message = `${label}: ${decision.reason}; retrying in ${plan.ms}ms (${plan.source}), attempt ${attempt + 1} of ${o.retries + 1}`;
      if (failure?.status === 429) {
        o.logger.warn(`GitLab rate limit: ${message}`);
        if (plan.source !== "backoff")
          o.governor.pauseUntil(Date.now() + plan.ms, `429 on ${label}`, o.logger);
      } else {
        o.logger.debug(message);
      }
      try {
        await sleep(plan.ms, ctx.signal);
      } catch {
        throw this.#abortError(spec, ctx, attempt, ambiguous);
      }
    }
  }

  #path(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      params.set(key, Array.isArray(value) ? value.join(",") : String(value));
    }
    const query = params.toString();
    return `${this.#prefix}${spec.path}${query ? `?${query}` : ""}`;
  }

  #responseError(
    spec: RequestSpec,
    failure: { status: number; headers: ResponseHeaders; parsed: ParsedErrorBody },
    unreadable: boolean,
    attempts: number,
    ambiguous: boolean,
    extra?: { retryAfterMs?: number },
  ): GitLabError {
    const { status, headers, parsed } = failure;
    const requestId = headerValue(headers, "x-request-id");
    if (unreadable) {
      return new GitLabError(
        {
          code: "invalid_response",
          summary: `GitLab ${spec.method} ${spec.template} answered ${status} with a body that is not valid JSON (truncated or not from the GitLab API).`,
          method: spec.method,
          path: spec.template,
          status,
          requestId,
          attempts,
          outcomeUnknown: spec.method !== "GET" && ambiguous,
          hint: hintFor({ code: "invalid_response", method: spec.method, path: spec.template }),
        },
        this.#o.redactor,
      );
    }
    const code = codeForStatus(status, spec, parsed);
    const text = parsed.message === undefined ? "" : `: ${messageText(parsed.message)}`;
    const throttleName = headerValue(headers, "ratelimit-name");
    return new GitLabError(
      {
        code,
        // GitLab's own message may end with a full stop already; never print two.
        summary: `GitLab ${spec.method} ${spec.template} failed with ${status}${text.replace(/\.$/, "")}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}.`,
        method: spec.method,
        path: spec.template,
        status,
        gitlabMessage: parsed.message,
        requestId,
        attempts,
        outcomeUnknown: spec.method !== "GET" && (status >= 500 || ambiguous),
        retryAfterMs: extra?.retryAfterMs,
        hint: hintFor({
          code,
          method: spec.method,
          path: spec.template,
          allowedScopes: parsed.allowedScopes,
          attempts,
          throttleName,
        }),
      },
      this.#o.redactor,
    );
  }

  #networkError(
    spec: RequestSpec,
    networkCode: string,
    cause: unknown,
    attempts: number,
    ambiguous: boolean,
  ): GitLabError {
    const code = codeForNetworkError(networkCode);
    return new GitLabError(
      {
        code,
        summary: `GitLab ${spec.method} ${spec.template} failed: ${describeNetworkCode(networkCode)} (${networkCode})${attempts > 1 ? ` after ${attempts} attempts` : ""}.`,
        method: spec.method,
        path: spec.template,
        attempts,
        outcomeUnknown: spec.method !== "GET" && ambiguous,
        hint: hintFor({
          code,
          method: spec.method,
          path: spec.template,
          baseUrl: this.#o.apiUrl,
          networkCode,
        }),
        cause,
      },
      this.#o.redactor,
    );
  }

  #abortError(
    spec: RequestSpec,
    ctx: OperationContext,
    attempts: number,
    ambiguous: boolean,
    cause?: unknown,
  ): GitLabError {
    const byCaller = ctx.callerSignal?.aborted === true && !ctx.deadline.aborted;
    const code: GitLabErrorCode = byCaller ? "aborted" : "timeout";
    return new GitLabError(
      {
        code,
        summary: byCaller
          ? `GitLab ${spec.method} ${spec.template} was aborted by the caller.`
          : `GitLab ${spec.method} ${spec.template} did not complete within ${this.#o.timeoutMs}ms (gitlab:timeoutMs)${attempts > 0 ? ` after ${attempts} attempt(s)` : ""}.`,
        method: spec.method,
        path: spec.template,
        attempts: Math.max(attempts, 1),
        outcomeUnknown: spec.method !== "GET" && ambiguous,
        hint: byCaller ? undefined : hintFor({ code, method: spec.method, path: spec.template }),
        cause,
      },
      this.#o.redactor,
    );
  }

  #invalid(spec: RequestSpec, response: ApiResponse, problem: string): GitLabError {
    return new GitLabError(
      {
        code: "invalid_response",
        summary: `GitLab ${spec.method} ${spec.template} answered ${response.status} but ${problem}.`,
        method: spec.method,
        path: spec.template,
        status: response.status,
        requestId: response.requestId,
        attempts: response.attempts,
        hint: hintFor({ code: "invalid_response", method: spec.method, path: spec.template }),
      },
      this.#o.redactor,
    );
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Our code for an HTTP failure (reference §1.2 for the body shapes). */
export function codeForStatus(
  status: number,
  spec: { method: string; template: string },
  parsed: ParsedErrorBody,
): GitLabErrorCode {
  const text = parsed.message === undefined ? "" : messageText(parsed.message);
  if (status === 400 || status === 422) {
    // 13.x: {"message":{"assign_to":[…has already been taken]}}; modern: "Assign to Validation
    // failed: Runner projects runner has already been taken - runner_error"
    // (app/services/ci/runners/assign_runner_service.rb).
    if (spec.template === "/projects/:id/runners" && /has already been taken/i.test(text))
      return "already_assigned";
    return "validation";
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
