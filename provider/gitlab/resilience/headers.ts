/** Response headers as undici hands them over: lower-case names, repeated headers as arrays. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The first value of a header, trimmed; `undefined` when absent or empty. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const raw = headers[name.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * `Retry-After` in milliseconds from now: delta-seconds (GitLab sends integers,
 * lib/gitlab/rack_attack.rb) or an HTTP date (RFC 9110 §10.2.3). Negative or unparsable
 * values give `undefined`.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  const delta = date - nowMs;
  return delta >= 0 ? delta : undefined;
}

/** GitLab's Rack::Attack rate-limit headers (lib/gitlab/rack_attack.rb). */
export interface RateLimitInfo {
  /** `RateLimit-Limit`: requests per (normalised 60 s) window. */
  limit?: number;
  /** `RateLimit-Remaining`: requests left in the window. */
  remaining?: number;
  /** `RateLimit-Reset` (Unix seconds) or `RateLimit-ResetTime` (HTTP date), as epoch ms. */
  resetAtMs?: number;
  /** `RateLimit-Name`, e.g. `throttle_authenticated_api`. */
  name?: string;
}

// Values below this are not plausible Unix times; some proxies send a delta in seconds instead
// (and gitlab-org/gitlab#199738 shows GitLab itself sending wrong resets), so treat them as one.
const EPOCH_SECONDS_FLOOR = 1_000_000_000;

/** Reads the `RateLimit-*` headers; absent or malformed ones are left out. */
export function parseRateLimit(headers: ResponseHeaders, nowMs: number): RateLimitInfo {
  const info: RateLimitInfo = {};
  const limit = toNumber(headerValue(headers, "ratelimit-limit"));
  if (limit !== undefined) info.limit = limit;
  const remaining = toNumber(headerValue(headers, "ratelimit-remaining"));
  if (remaining !== undefined) info.remaining = remaining;
  const reset = toNumber(headerValue(headers, "ratelimit-reset"));
  if (reset !== undefined) {
    info.resetAtMs = reset >= EPOCH_SECONDS_FLOOR ? reset * 1000 : nowMs + reset * 1000;
  } else {
    const resetTime = headerValue(headers, "ratelimit-resettime");
    const parsed = resetTime === undefined ? Number.NaN : Date.parse(resetTime);
    if (!Number.isNaN(parsed)) info.resetAtMs = parsed;
  }
  const name = headerValue(headers, "ratelimit-name");
  if (name !== undefined) info.name = name;
  return info;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+(\.\d+)?$/.test(value)) return undefined;
  return Number(value);
}

/** Parses an RFC 8288 `Link` header into `rel → URL`. */
export function parseLinkHeader(value: string | undefined): Map<string, string> {
  const links = new Map<string, string>();
  if (value === undefined) return links;
  for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const url = match[1];
    const params = match[2] ?? "";
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(params)?.[1];
    if (url === undefined || rel === undefined) continue;
    for (const name of rel.trim().split(/\s+/)) if (!links.has(name)) links.set(name, url);
  }
  return links;
}

/**
 * The query parameters of the next page, or `undefined` on the last page. GitLab sends both
 * `X-Next-Page` (empty on the last page) and `Link: <…>; rel="next"`
 * (lib/gitlab/pagination/offset_header_builder.rb). `X-Next-Page` wins because `Link` URLs are
 * built from GitLab's configured external URL, which may not be the address we reach it at
 * (a proxy, a port forward); from `Link` we take only the query, never the host.
 */
export function nextPageQuery(headers: ResponseHeaders): Record<string, string> | undefined {
  const nextPage = headerValue(headers, "x-next-page");
  if (nextPage !== undefined && /^\d+$/.test(nextPage)) return { page: nextPage };
  const next = parseLinkHeader(headerValue(headers, "link")).get("next");
  if (next === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(next, "http://placeholder.invalid");
  } catch {
    return undefined;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    // Never echo credentials back even if a misbehaving server put them in the link.
    if (/token|password/i.test(key)) continue;
    query[key] = value;
  }
  return Object.keys(query).length > 0 ? query : undefined;
}
