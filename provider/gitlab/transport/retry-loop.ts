/**
 * The attempts of one request: send, and on a failure the retry policy allows (docs/design.md
 * decision 9, `resilience/retry.ts`) wait and send again, within the retry count, the wait caps
 * and the operation's deadline. Waits and retries are reported (`info`; a rate limit as a
 * warning), so `pulumi up` says what it waits for and how long.
 */
import {
  answerError,
  deadlineError,
  type FailedRequest,
  networkError,
  unreadableBodyError,
} from "../errors/from-request";
import type { GitLabError } from "../errors/gitlab-error";
import type { GitLabLogger } from "../logger";
import type { Redactor } from "../redact";
import type { Governor } from "../resilience/governor";
import { sleep } from "../resilience/governor";
import { computeWait, decideRetry } from "../resilience/retry";
import { type AttemptEnvironment, type AttemptResult, attempt, type PreparedRequest } from "./attempt";
import { abortedByCaller, type Operation } from "./deadline";
import type { ApiResponse } from "./spec";

/** The retry settings (`gitlab:retries`, `gitlab:timeoutMs` and the wait caps). */
export interface RetrySettings {
  retries: number;
  timeoutMs: number;
  maxRetryWaitMs: number;
  maxTotalRetryWaitMs: number;
  retryBaseDelayMs: number;
  random: () => number;
}

/** What the loop needs besides the request. */
export interface LoopEnvironment extends AttemptEnvironment {
  governor: Governor;
  logger: GitLabLogger;
  redactor: Redactor;
  apiUrl: string;
  retry: RetrySettings;
}

type Failure = Extract<AttemptResult, { kind: "failure" }>;

function finalError(
  env: LoopEnvironment,
  req: FailedRequest,
  failure: Failure,
  attempts: number,
  ambiguous: boolean,
  retryAfterMs?: number,
): GitLabError {
  const so = { attempts, ambiguous };
  if (failure.unreadable && failure.answer) return unreadableBodyError(req, failure.answer, so, env.redactor);
  if (failure.answer) return answerError(req, failure.answer, so, env.redactor, retryAfterMs);
  return networkError(req, failure.networkCode ?? "UNKNOWN", failure.error, so, env.apiUrl, env.redactor);
}

/** Sends `prepared` until it succeeds or the policy, the caps or the deadline say stop. */
export async function sendWithRetries(
  env: LoopEnvironment,
  req: FailedRequest,
  prepared: PreparedRequest,
  op: Operation,
): Promise<ApiResponse> {
  const { logger, retry } = env;
  const label = prepared.label;
  let totalWaitMs = 0;
  let ambiguous = false;
  for (let n = 1; ; n += 1) {
    const result = await attempt(env, prepared, op, n);
    if (result.kind === "success") return { ...result.response, attempts: n };
    if (result.kind === "aborted") {
      throw deadlineError(
        req,
        abortedByCaller(op),
        retry.timeoutMs,
        { attempts: result.attempted ? n : n - 1, ambiguous: ambiguous || result.requestStarted },
        env.redactor,
        result.error,
      );
    }
    ambiguous ||= result.ambiguous;

    const decision = decideRetry(req.method, result.outcome);
    if (!decision.retry) {
      logger.debug(`${label}: not retrying (${decision.reason})`);
      throw finalError(env, req, result, n, ambiguous);
    }
    if (n > retry.retries) {
      logger.debug(`${label}: giving up after ${n} attempts (${decision.reason})`);
      throw finalError(env, req, result, n, ambiguous);
    }
    const plan = computeWait({
      retryNumber: n,
      headers: result.answer?.headers,
      status: result.answer?.status,
      nowMs: Date.now(),
      baseDelayMs: retry.retryBaseDelayMs,
      maxBackoffMs: retry.maxRetryWaitMs,
      random: retry.random(),
    });
    // Only a wait GitLab asked for is reported as `retryAfterMs`, never our own backoff.
    const asked = plan.source === "backoff" ? undefined : plan.ms;
    if (plan.ms > retry.maxRetryWaitMs) {
      logger.warn(
        `${label}: GitLab asked to wait ${Math.ceil(plan.ms / 1000)}s (${plan.source}), more than the ${Math.ceil(retry.maxRetryWaitMs / 1000)}s allowed; giving up`,
      );
      throw finalError(env, req, result, n, ambiguous, asked);
    }
    if (totalWaitMs + plan.ms > retry.maxTotalRetryWaitMs) {
      logger.debug(
        `${label}: giving up; waiting ${plan.ms}ms more would exceed the total wait budget of ${retry.maxTotalRetryWaitMs}ms`,
      );
      throw finalError(env, req, result, n, ambiguous, asked);
    }
    if (Date.now() + plan.ms >= op.deadlineAt) {
      // Waiting would only end in a timeout; GitLab's own answer says more.
      logger.debug(
        `${label}: giving up; waiting ${plan.ms}ms would pass the ${retry.timeoutMs}ms deadline (gitlab:timeoutMs)`,
      );
      throw finalError(env, req, result, n, ambiguous, asked);
    }
    totalWaitMs += plan.ms;
    const message = `${label}: ${decision.reason}; retrying in ${plan.ms}ms (${plan.source}), attempt ${n + 1} of ${retry.retries + 1}`;
    if (result.answer?.status === 429) {
      logger.warn(`GitLab rate limit: ${message}`);
      if (plan.source !== "backoff") env.governor.pauseUntil(Date.now() + plan.ms, `429 on ${label}`, logger);
    } else {
      logger.info(message);
    }
    try {
      await sleep(plan.ms, op.signal);
    } catch {
      throw deadlineError(
        req,
        abortedByCaller(op),
        retry.timeoutMs,
        { attempts: n, ambiguous },
        env.redactor,
      );
    }
  }
}
