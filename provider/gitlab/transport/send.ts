import type { Dispatcher } from "undici";
import type { ResponseHeaders } from "../resilience/headers";

/** One HTTP attempt, fully described. */
export interface Attempt {
  dispatcher: Dispatcher;
  /** e.g. `https://gitlab.example.com`. */
  origin: string;
  /** Absolute path with query, e.g. `/api/v4/runners?page=2`. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Aborts the attempt (the operation deadline or the caller). */
  signal: AbortSignal;
  /** Larger bodies are cut off and reported as an error. */
  maxBodyBytes: number;
}

/** What one attempt produced. Never rejects: failures are values, so retry logic sees them all. */
export type AttemptResult =
  | {
      ok: true;
      status: number;
      headers: ResponseHeaders;
      body: string;
    }
  | {
      ok: false;
      error: unknown;
      /**
       * Whether undici had begun writing this request to a socket (`onRequestStart` runs just
       * before the first byte, lib/dispatcher/client-h1.js `writeH1`). False means GitLab cannot
       * have seen it.
       */
      requestStarted: boolean;
    };

/**
 * Sends one request through undici's low-level `dispatch`, so that we learn whether the
 * request was started (which `request()` does not tell) and read the whole body, bounded.
 * Bodies are always consumed, which keeps keep-alive connections reusable (undici README,
 * "Garbage Collection").
 */
export function sendOnce(attempt: Attempt): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let requestStarted = false;
    let controller: { abort(reason?: unknown): void } | undefined;
    let status = 0;
    let headers: ResponseHeaders = {};
    const chunks: Buffer[] = [];
    let received = 0;

    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      attempt.signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const fail = (error: unknown): void => finish({ ok: false, error, requestStarted });
    const onAbort = (): void => {
      const reason: unknown = attempt.signal.reason;
      // Before `onRequestStart` there is no controller; the request is aborted as soon as it
      // starts (below), and this attempt ends now.
      controller?.abort(reason);
      fail(reason);
    };

    if (attempt.signal.aborted) {
      fail(attempt.signal.reason);
      return;
    }
    attempt.signal.addEventListener("abort", onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl;
        if (settled) {
          ctrl.abort(attempt.signal.reason);
          return;
        }
        requestStarted = true;
      },
      onResponseStart(_ctrl, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders as ResponseHeaders;
      },
      onResponseData(ctrl, chunk) {
        received += chunk.length;
        if (received > attempt.maxBodyBytes) {
          ctrl.abort(
            Object.assign(new Error(`response body larger than ${attempt.maxBodyBytes} bytes`), {
              code: "BODY_TOO_LARGE",
            }),
          );
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        finish({ ok: true, status, headers, body: Buffer.concat(chunks).toString("utf8") });
      },
      onResponseError(_ctrl, error) {
        fail(error);
      },
    };

    try {
      attempt.dispatcher.dispatch(
        {
          origin: attempt.origin,
          path: attempt.path,
          method: attempt.method as Dispatcher.HttpMethod,
          headers: attempt.headers,
          body: attempt.body ?? null,
          headersTimeout: attempt.headersTimeoutMs,
          bodyTimeout: attempt.bodyTimeoutMs,
          // Never pipeline or silently replay a request on a fresh socket: retrying is ours.
          idempotent: false,
        },
        handler,
      );
    } catch (error) {
      fail(error);
    }
  });
}
