import type { FailedRequest } from "../errors/from-request";
import type { ResponseHeaders } from "../resilience/headers";

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
  /** What an error answer means on this route, where the status alone does not say. */
  codeFor?: FailedRequest["codeFor"];
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
