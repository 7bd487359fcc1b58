/**
 * Every page of a listing (`per_page=100`), following `X-Next-Page` / `Link`, within one
 * operation deadline.
 */
import { unusableAnswerError } from "../errors/from-request";
import { GitLabError } from "../errors/gitlab-error";
import type { Redactor } from "../redact";
import { nextPageQuery } from "../resilience/headers";
import type { Operation } from "./deadline";
import type { ApiResponse, QueryValue, RequestSpec } from "./spec";

const PER_PAGE = 100;
const MAX_PAGES = 1_000;

/** Fetches every page of `spec` with `send`, and returns the items in order. */
export async function allPages(
  spec: RequestSpec,
  op: Operation,
  send: (spec: RequestSpec, op: Operation) => Promise<ApiResponse>,
  redactor: Redactor,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let query: Record<string, QueryValue> = { ...spec.query, per_page: PER_PAGE, page: 1 };
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const response = await send({ ...spec, query }, op);
    if (!Array.isArray(response.json)) {
      throw unusableAnswerError(spec, response, "the body is not a JSON array", redactor);
    }
    items.push(...(response.json as unknown[]));
    const next = nextPageQuery(response.headers);
    if (next === undefined) return items;
    const key = JSON.stringify(next);
    if (seen.has(key)) throw unusableAnswerError(spec, response, "pagination links repeat a page", redactor);
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
    redactor,
  );
}
