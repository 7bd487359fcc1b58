/**
 * Sends API calls: builds each request (auth and User-Agent headers, query, JSON body) and hands
 * it to the retry loop inside the operation's deadline; listings go page by page. The
 * mechanisms live in their own files: one attempt (`attempt.ts`, `send.ts`), the retry loop
 * (`retry-loop.ts`), the deadline (`deadline.ts`), paging (`paging.ts`), pacing
 * (`resilience/governor.ts`) and error construction (`errors/from-request.ts`).
 */
import type { Dispatcher } from "undici";
import type { GitLabLogger } from "../logger";
import type { Redactor } from "../redact";
import type { Governor } from "../resilience/governor";
import type { PreparedRequest } from "./attempt";
import { type Operation, withinDeadline } from "./deadline";
import { allPages } from "./paging";
import { type LoopEnvironment, type RetrySettings, sendWithRetries } from "./retry-loop";
import type { ApiResponse, RequestSpec } from "./spec";
import { userAgent } from "./user-agent";

export type { ApiResponse, QueryValue, RequestSpec } from "./spec";

/** Everything the requester needs; the client builds it from its resolved configuration. */
export interface RequesterOptions extends RetrySettings {
  /** API root, e.g. `https://gitlab.example.com/api/v4`. */
  apiUrl: string;
  token: string;
  authHeader: "private-token" | "bearer";
  dispatcher: Dispatcher;
  governor: Governor;
  logger: GitLabLogger;
  redactor: Redactor;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** Sends API calls for one client. */
export class Requester {
  readonly #o: RequesterOptions;
  readonly #env: LoopEnvironment;
  readonly #prefix: string;

  constructor(options: RequesterOptions) {
    this.#o = options;
    const url = new URL(options.apiUrl);
    this.#prefix = url.pathname.replace(/\/+$/, "");
    this.#env = {
      dispatcher: options.dispatcher,
      governor: options.governor,
      logger: options.logger,
      redactor: options.redactor,
      origin: url.origin,
      apiUrl: options.apiUrl,
      headersTimeoutMs: options.headersTimeoutMs,
      bodyTimeoutMs: options.bodyTimeoutMs,
      retry: options,
    };
  }

  /** The API root this requester talks to. */
  get apiUrl(): string {
    return this.#o.apiUrl;
  }

  /** One call, retried per policy, within the operation deadline. */
  request(spec: RequestSpec): Promise<ApiResponse> {
    return withinDeadline(this.#o.timeoutMs, spec.signal, (op) => this.#send(spec, op));
  }

  /** Every page of a listing, within one operation deadline; the items concatenated. */
  paginate(spec: RequestSpec): Promise<unknown[]> {
    return withinDeadline(this.#o.timeoutMs, spec.signal, (op) =>
      allPages(spec, op, (page, within) => this.#send(page, within), this.#o.redactor),
    );
  }

  #send(spec: RequestSpec, op: Operation): Promise<ApiResponse> {
    this.#o.redactor.add(...(spec.secrets ?? []));
    return sendWithRetries(this.#env, spec, this.#prepare(spec), op);
  }

  #prepare(spec: RequestSpec): PreparedRequest {
    const o = this.#o;
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
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      params.set(key, Array.isArray(value) ? value.join(",") : String(value));
    }
    const query = params.toString();
    const page = spec.query?.page === undefined ? "" : ` page ${String(spec.query.page)}`;
    return {
      method: spec.method,
      label: `${spec.method} ${spec.template}`,
      page,
      path: `${this.#prefix}${spec.path}${query ? `?${query}` : ""}`,
      headers,
      body,
    };
  }
}
