import type { z } from "zod";
import { GitLabError } from "../errors/gitlab-error";
import type { GitLabLogger } from "../logger";
import type { Redactor } from "../redact";
import type { ServerVersion } from "../schemas/meta";
import { parseBody } from "../schemas/parse";
import type { ApiResponse, Requester, RequestSpec } from "../transport/requester";

/** What every operation needs from the client. */
export interface OperationContext {
  requester: Requester;
  redactor: Redactor;
  logger: GitLabLogger;
  /** The server version, or `undefined` when this token may not read it. Cached. */
  serverVersion(): Promise<ServerVersion | undefined>;
}

/** Sends `spec` and parses the body with `schema`. */
export async function call<S extends z.ZodType>(
  ctx: OperationContext,
  spec: RequestSpec,
  schema: S,
): Promise<z.output<S>> {
  const response = await ctx.requester.request(spec);
  return parse(ctx, spec, response, schema);
}

/** Sends `spec` and expects no body of interest (204). */
export async function callVoid(ctx: OperationContext, spec: RequestSpec): Promise<void> {
  await ctx.requester.request(spec);
}

/** Fetches every page of `spec` and parses each item with `schema`. */
export async function callList<S extends z.ZodType>(
  ctx: OperationContext,
  spec: RequestSpec,
  schema: S,
): Promise<Array<z.output<S>>> {
  const items = await ctx.requester.paginate(spec);
  return items.map((item, index) =>
    parseBody(
      schema,
      item,
      { method: spec.method, template: `${spec.template} [item ${index}]`, status: 200 },
      ctx.redactor,
    ),
  );
}

/** Parses one response body. */
export function parse<S extends z.ZodType>(
  ctx: OperationContext,
  spec: RequestSpec,
  response: ApiResponse,
  schema: S,
): z.output<S> {
  return parseBody(
    schema,
    response.json,
    {
      method: spec.method,
      template: spec.template,
      status: response.status,
      requestId: response.requestId,
      attempts: response.attempts,
    },
    ctx.redactor,
  );
}

/** A rejected argument, detected before anything was sent. */
export function invalidArgument(method: string, template: string, problem: string): GitLabError {
  return new GitLabError({
    code: "invalid_argument",
    summary: `GitLab ${method} ${template}: ${problem}.`,
    method,
    path: template,
    attempts: 0,
  });
}

/** A runner id as a path segment; GitLab requires a positive integer (`"abc"` → 400). */
export function runnerIdSegment(id: number, method: string, template: string): string {
  if (!Number.isSafeInteger(id) || id <= 0)
    throw invalidArgument(method, template, `runner id must be a positive integer, got ${String(id)}`);
  return String(id);
}

/**
 * A project or group given by numeric id or full path, as a path segment. GitLab accepts the
 * id or the URL-encoded full path (`group%2Fproject`) but no literal `/` (docs/gitlab-api.md §1.3).
 */
export function namespaceSegment(
  idOrPath: number | string,
  method: string,
  template: string,
  what: string,
): string {
  if (typeof idOrPath === "number") {
    if (!Number.isSafeInteger(idOrPath) || idOrPath <= 0) {
      throw invalidArgument(
        method,
        template,
        `${what} id must be a positive integer, got ${String(idOrPath)}`,
      );
    }
    return String(idOrPath);
  }
  const trimmed = idOrPath.trim().replace(/^\/+|\/+$/g, "");
  if (trimmed === "")
    throw invalidArgument(method, template, `${what} must be an id or a full path, got an empty string`);
  return /^\d+$/.test(trimmed) ? trimmed : encodeURIComponent(trimmed);
}

/** Drops `undefined` values so they are not sent. */
export function compact(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}
