import type { IncomingHttpHeaders } from "node:http";
import type { Params } from "../http/params";
import type { Store } from "../state/store";
import type { UserRecord } from "../types";
import type { VersionFeatures } from "../version";

/** What a handler knows about the request it answers. */
export interface RequestContext {
  readonly store: Store;
  readonly features: VersionFeatures;
  /** Milliseconds since the epoch, taken once per request. */
  readonly now: number;
  readonly method: string;
  readonly path: string;
  /** The raw query string without "?" (for Link headers). */
  readonly rawQuery: string;
  /** Query and body params merged (body wins), before coercion. */
  readonly params: Params;
  /** Path template params, URL-decoded. */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Scheme, host and port the client used, e.g. "http://127.0.0.1:3000". */
  readonly baseUrl: string;
  readonly clientIp: string;
  /** The authenticated user; null on runner-token endpoints. */
  user: UserRecord | null;
}

export interface ApiResponse {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
  /** A text/plain body instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => ApiResponse;

/** The authenticated user of a user-authenticated endpoint. */
export function currentUser(ctx: RequestContext): UserRecord {
  if (ctx.user === null) throw new Error("handler needs an authenticated user");
  return ctx.user;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
