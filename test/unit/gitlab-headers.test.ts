import { describe, expect, it } from "vitest";
import {
  headerValue,
  nextPageQuery,
  parseLinkHeader,
  parseRateLimit,
  parseRetryAfter,
} from "../../provider/gitlab/resilience/headers";

describe("header parsing", () => {
  const now = Date.UTC(2026, 0, 1);

  it.each([
    ["60", 60_000],
    ["0", 0],
    [new Date(now + 2_000).toUTCString(), 2_000],
    [new Date(now - 2_000).toUTCString(), undefined],
    ["-5", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("Retry-After %s → %s ms", (value, expected) => {
    expect(parseRetryAfter(value === "" ? undefined : value, now)).toBe(expected);
  });

  it("reads GitLab's Rack::Attack headers", () => {
    const info = parseRateLimit(
      {
        "ratelimit-name": "throttle_authenticated_api",
        "ratelimit-limit": "600",
        "ratelimit-observed": "598",
        "ratelimit-remaining": "2",
        "ratelimit-reset": String(now / 1000 + 30),
      },
      now,
    );
    expect(info).toEqual({
      name: "throttle_authenticated_api",
      limit: 600,
      remaining: 2,
      resetAtMs: now + 30_000,
    });
  });

  it("treats a small RateLimit-Reset as a delta and ignores malformed values", () => {
    expect(parseRateLimit({ "ratelimit-reset": "30", "ratelimit-remaining": "x" }, now)).toEqual({
      resetAtMs: now + 30_000,
    });
    expect(parseRateLimit({}, now)).toEqual({});
  });

  it("takes the first value of a repeated header", () => {
    expect(headerValue({ "x-request-id": ["a", "b"] }, "X-Request-Id")).toBe("a");
    expect(headerValue({ "x-next-page": "" }, "x-next-page")).toBeUndefined();
  });

  it("parses GitLab's Link header in its order: prev, next, first, last", () => {
    const link =
      '<https://gitlab.example.com/api/v4/runners/all?page=1&per_page=100>; rel="prev", <https://gitlab.example.com/api/v4/runners/all?page=3&per_page=100>; rel="next", <https://gitlab.example.com/api/v4/runners/all?page=1&per_page=100>; rel="first", <https://gitlab.example.com/api/v4/runners/all?page=9&per_page=100>; rel="last"';
    const links = parseLinkHeader(link);
    expect(links.get("next")).toBe("https://gitlab.example.com/api/v4/runners/all?page=3&per_page=100");
    expect([...links.keys()]).toEqual(["prev", "next", "first", "last"]);
  });

  it.each([
    [
      "X-Next-Page wins",
      { "x-next-page": "4", link: '<https://x/api/v4/runners?page=9>; rel="next"' },
      { page: "4" },
    ],
    [
      "empty X-Next-Page, Link next",
      {
        "x-next-page": "",
        link: '<https://other.host/api/v4/runners?page=2&per_page=100&type=group_type>; rel="next"',
      },
      { page: "2", per_page: "100", type: "group_type" },
    ],
    [
      "keyset cursor from Link",
      { link: '<https://x/api/v4/runners/1/jobs?cursor=abc&pagination=keyset>; rel="next"' },
      { cursor: "abc", pagination: "keyset" },
    ],
    [
      "credentials in a link are dropped",
      { link: '<https://x/api/v4/runners?page=2&private_token=glpat-x>; rel="next"' },
      { page: "2" },
    ],
    ["last page", { "x-next-page": "", link: '<https://x/api/v4/runners?page=1>; rel="first"' }, undefined],
    ["no headers", {}, undefined],
  ])("next page: %s", (_name, headers, expected) => {
    expect(nextPageQuery(headers)).toEqual(expected);
  });
});
