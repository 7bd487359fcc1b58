import type { RequestContext } from "../api/context";

/** Kaminari's `max_per_page` in GitLab. */
export const MAX_PER_PAGE = 100;
/** Above this count GitLab stops counting (docs/gitlab-api.md §1.4). */
export const COUNT_LIMIT = 10_000;

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/**
 * Offset pagination with GitLab's headers (docs/gitlab-api.md §1.4, offset_header_builder.rb). Link
 * URLs are rebuilt from the request's own host and the query params, sorted by key.
 */
export function paginate<T>(
  ctx: RequestContext,
  all: readonly T[],
  params: Record<string, unknown>,
  options: { countable?: boolean } = {},
): Page<T> {
  const page = typeof params.page === "number" ? params.page : 1;
  const rawPerPage = typeof params.per_page === "number" ? params.per_page : 20;
  const perPage = Math.min(rawPerPage, MAX_PER_PAGE);
  const total = all.length;
  const counted = options.countable !== false && total <= COUNT_LIMIT;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const items = all.slice(start, start + perPage);
  const hasNext = start + perPage < total;
  const nextPage = hasNext ? page + 1 : null;
  const prevPage = page > 1 ? page - 1 : null;

  const query = new URLSearchParams(ctx.rawQuery);
  query.delete("private_token");
  const base: [string, string][] = [];
  for (const [k, v] of query) if (k !== "page" && k !== "per_page") base.push([k, v]);
  const href = (p: number): string => {
    const entries = [
      ...base,
      ["page", String(p)] as [string, string],
      ["per_page", String(perPage)] as [string, string],
    ];
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `${ctx.baseUrl}${ctx.path}?${new URLSearchParams(entries).toString()}`;
  };
  const links: string[] = [];
  if (prevPage !== null) links.push(`<${href(prevPage)}>; rel="prev"`);
  if (nextPage !== null) links.push(`<${href(nextPage)}>; rel="next"`);
  links.push(`<${href(1)}>; rel="first"`);
  if (counted) links.push(`<${href(totalPages)}>; rel="last"`);

  const headers: Record<string, string> = {
    "X-Per-Page": String(perPage),
    "X-Page": String(page),
    "X-Next-Page": nextPage === null ? "" : String(nextPage),
    "X-Prev-Page": prevPage === null ? "" : String(prevPage),
    Link: links.join(", "),
  };
  if (counted) {
    headers["X-Total"] = String(total);
    headers["X-Total-Pages"] = String(totalPages);
  }
  return { items, headers };
}
