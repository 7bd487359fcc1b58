import { describe, expect, it } from "vitest";
import { type AttemptOutcome, computeWait, decideRetry } from "../../provider/gitlab/resilience/retry";

const response = (status: number): AttemptOutcome => ({ kind: "response", status, headers: {} });
const network = (code: string, requestStarted: boolean): AttemptOutcome => ({
  kind: "network",
  code,
  requestStarted,
});

describe("decideRetry (docs/design.md decision 9)", () => {
  const table: Array<[string, AttemptOutcome, boolean, boolean]> = [
    // [method, outcome, retry for GET/PUT/DELETE, retry for POST]
    ["429", response(429), true, true],
    ["500", response(500), true, false],
    ["502", response(502), true, false],
    ["503", response(503), true, false],
    ["504", response(504), true, false],
    ["501 is final", response(501), false, false],
    ["400", response(400), false, false],
    ["401", response(401), false, false],
    ["403", response(403), false, false],
    ["404", response(404), false, false],
    ["409", response(409), false, false],
    ["410", response(410), false, false],
    ["ECONNREFUSED before sending", network("ECONNREFUSED", false), true, true],
    ["connect timeout before sending", network("UND_ERR_CONNECT_TIMEOUT", false), true, true],
    ["EAI_AGAIN before sending", network("EAI_AGAIN", false), true, true],
    ["EHOSTUNREACH before sending", network("EHOSTUNREACH", false), true, true],
    ["ECONNRESET before sending (unknown phase)", network("ECONNRESET", false), true, false],
    ["ECONNRESET after sending", network("ECONNRESET", true), true, false],
    ["socket closed after sending", network("UND_ERR_SOCKET", true), true, false],
    ["headers timeout after sending", network("UND_ERR_HEADERS_TIMEOUT", true), true, false],
    ["body timeout after sending", network("UND_ERR_BODY_TIMEOUT", true), true, false],
    ["EPIPE after sending", network("EPIPE", true), true, false],
    ["a connect code reported after start", network("ECONNREFUSED", true), true, false],
    ["TLS: unknown CA", network("UNABLE_TO_VERIFY_LEAF_SIGNATURE", false), false, false],
    ["TLS: self-signed", network("DEPTH_ZERO_SELF_SIGNED_CERT", false), false, false],
    ["TLS: altname", network("ERR_TLS_CERT_ALTNAME_INVALID", false), false, false],
    ["DNS: not found", network("ENOTFOUND", false), false, false],
    ["unreadable 200 body", { kind: "unreadable_body", status: 200 }, true, false],
  ];
  it.each(table)("%s", (_name, outcome, idempotent, post) => {
    for (const method of ["GET", "PUT", "DELETE"])
      expect(decideRetry(method, outcome).retry).toBe(idempotent);
    expect(decideRetry("POST", outcome).retry).toBe(post);
  });

  it("explains every decision", () => {
    expect(decideRetry("POST", network("UND_ERR_SOCKET", true)).reason).toMatch(/may have been sent/);
    expect(decideRetry("POST", network("ECONNREFUSED", false)).reason).toMatch(/before the request was sent/);
  });
});

describe("computeWait: Retry-After, then RateLimit-Reset, then jittered backoff", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const base = { retryNumber: 1, nowMs: now, baseDelayMs: 500, maxBackoffMs: 30_000, random: 0.5 };

  it.each([
    ["Retry-After seconds", { "retry-after": "7" }, 429, 7_000, "retry-after"],
    ["Retry-After fractional", { "retry-after": "1.5" }, 503, 1_500, "retry-after"],
    [
      "Retry-After HTTP date",
      { "retry-after": new Date(now + 4_000).toUTCString() },
      429,
      4_000,
      "retry-after",
    ],
    [
      "Retry-After wins over RateLimit-Reset",
      { "retry-after": "2", "ratelimit-reset": String(now / 1000 + 50) },
      429,
      2_000,
      "retry-after",
    ],
    [
      "RateLimit-Reset epoch seconds (+margin)",
      { "ratelimit-reset": String(now / 1000 + 10) },
      429,
      10_500,
      "ratelimit-reset",
    ],
    [
      "RateLimit-ResetTime date",
      { "ratelimit-resettime": new Date(now + 3_000).toUTCString() },
      429,
      3_500,
      "ratelimit-reset",
    ],
    ["RateLimit-Reset ignored for 5xx", { "ratelimit-reset": String(now / 1000 + 10) }, 503, 375, "backoff"],
    ["RateLimit-Reset in the past", { "ratelimit-reset": String(now / 1000 - 10) }, 429, 375, "backoff"],
    ["garbage Retry-After", { "retry-after": "soon" }, 429, 375, "backoff"],
    ["no headers", {}, 429, 375, "backoff"],
  ] as const)("%s", (_name, headers, status, ms, source) => {
    expect(computeWait({ ...base, headers, status })).toEqual({ ms, source });
  });

  it("backs off exponentially with equal jitter, capped", () => {
    const waits = [1, 2, 3, 4, 10].map((retryNumber) => computeWait({ ...base, retryNumber, random: 0 }).ms);
    expect(waits).toEqual([250, 500, 1_000, 2_000, 15_000]);
    expect(computeWait({ ...base, retryNumber: 3, random: 0.999999 }).ms).toBe(2_000);
  });
});
