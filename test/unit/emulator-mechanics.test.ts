import { describe, expect, it } from "vitest";
import type { RequestContext } from "../../emulator/api/context";
import { redactedPath } from "../../emulator/control/request-log";
import { FaultEngine } from "../../emulator/faults/faults";
import { assignRackParam, parseUrlEncoded } from "../../emulator/http/body";
import { paginate } from "../../emulator/http/pagination";
import { coerceBoolean, coerceInteger, coerceTagList, validateParams } from "../../emulator/http/params";
import { Router } from "../../emulator/http/router";
import { runnerStatus } from "../../emulator/model/status";
import { fullMessagesSentence } from "../../emulator/model/validate-runner";
import type { RunnerRecord } from "../../emulator/types";
import { versionFeatures } from "../../emulator/version";

// Pure pieces of the emulator, table-driven.

describe("Grape-like coercion (§1.3)", () => {
  it.each([
    ["42", 42],
    [" 7 ", 7],
    [12, 12],
    ["", null],
    [null, null],
  ] as const)("Integer %j → %j", (input, expected) => {
    expect(coerceInteger(input)).toBe(expected);
  });

  it.each(["abc", "1.5", 1.5, [], {}])("Integer %j is invalid", (input) => {
    expect(typeof coerceInteger(input)).toBe("symbol");
  });

  it.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    [true, true],
    [0, false],
  ] as const)("Boolean %j → %j", (input, expected) => {
    expect(coerceBoolean(input)).toBe(expected);
  });

  it.each([
    ["tag1, tag2", ["tag1", "tag2"]],
    [
      ["a,b", " c "],
      ["a", "b", "c"],
    ],
    ["a,,a", ["a"]],
    [42, []],
    [{ a: 1 }, []],
  ] as const)("tag_list %j → %j", (input, expected) => {
    expect(coerceTagList(input)).toEqual(expected);
  });

  it("joins errors in declaration order, then exclusivity and at-least-one", () => {
    expect(() =>
      validateParams(
        { a: "x", b: "nope", c: true, d: true },
        {
          specs: [
            { name: "a", type: "integer" },
            { name: "b", type: "string", values: ["yes"] },
            { name: "r", type: "string", required: true },
            { name: "c", type: "boolean" },
            { name: "d", type: "boolean" },
          ],
          mutuallyExclusive: [["c", "d"]],
        },
      ),
    ).toThrow(
      expect.objectContaining({
        body: {
          error: "a is invalid, b does not have a valid value, r is missing, c, d are mutually exclusive",
        },
      }),
    );
  });
});

describe("Rack-style params", () => {
  it("builds arrays and nested hashes and drops prototype keys", () => {
    const params = parseUrlEncoded("tag_list[]=a&tag_list[]=b&info[name]=n&info[version]=1&__proto__[x]=1");
    expect(params).toEqual({ tag_list: ["a", "b"], info: { name: "n", version: "1" } });
    const target: Record<string, unknown> = {};
    assignRackParam(target, "constructor[prototype][polluted]", "1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("Router", () => {
  const router = new Router<string>()
    .add("GET", "/api/v4/runners/:id", "show")
    .add("GET", "/api/v4/runners/all", "all")
    .add("GET", "/api/v4/projects/:id/runners", "project");

  it("prefers literal segments over params", () => {
    expect(router.match("GET", "/api/v4/runners/all")?.handler).toBe("all");
    expect(router.match("GET", "/api/v4/runners/5")).toMatchObject({ handler: "show", params: { id: "5" } });
  });

  it("decodes an encoded full path and answers HEAD like GET", () => {
    expect(router.match("HEAD", "/api/v4/projects/acme%2Fapi/runners")?.params).toEqual({ id: "acme/api" });
    expect(router.match("POST", "/api/v4/runners/5")).toBeNull();
    expect(router.match("GET", "/api/v4/runners/5/")?.handler).toBe("show");
  });
});

describe("FaultEngine", () => {
  const decisions = (seed: number) => {
    const engine = new FaultEngine(1);
    engine.set({
      seed,
      rules: [
        { kind: "latency", latencyMs: 10, jitterMs: 100 },
        { kind: "status", status: 503, rate: 0.3 },
      ],
    });
    return Array.from({ length: 30 }, () => {
      const d = engine.decide("GET", "/api/v4/runners/1");
      return [d.latencyMs, d.terminal?.status ?? 0];
    });
  };

  it("decides the same faults and jitter for the same seed", () => {
    expect(decisions(9)).toEqual(decisions(9));
    expect(decisions(9)).not.toEqual(decisions(10));
    for (const [latency] of decisions(9)) expect(latency).toBeGreaterThanOrEqual(10);
  });

  it("honours count, method and path", () => {
    const engine = new FaultEngine(1);
    engine.set({ rules: [{ kind: "reset", method: "post", path: "^/api/v4/runners$", count: 1 }] });
    expect(engine.decide("GET", "/api/v4/runners").terminal).toBeNull();
    expect(engine.decide("POST", "/api/v4/runners/1").terminal).toBeNull();
    expect(engine.decide("POST", "/api/v4/runners").terminal?.kind).toBe("reset");
    expect(engine.decide("POST", "/api/v4/runners").terminal).toBeNull();
  });

  it("throttles per caller within a fixed window", () => {
    const engine = new FaultEngine(1);
    engine.set({ rules: [], rateLimit: { requests: 1, windowSeconds: 10 } });
    expect(engine.throttle("a", 0)?.limited).toBe(false);
    const limited = engine.throttle("a", 1000);
    expect(limited?.limited).toBe(true);
    expect(limited?.headers["Retry-After"]).toBe("9");
    expect(limited?.headers["RateLimit-Limit"]).toBe("6");
    expect(engine.throttle("b", 1000)?.limited).toBe(false);
    expect(engine.throttle("a", 10_000)?.limited).toBe(false);
  });
});

describe("runner status (§2.1)", () => {
  const now = Date.parse("2026-01-10T00:00:00.000Z");
  const runner = (over: Partial<RunnerRecord>): RunnerRecord =>
    ({ active: true, contactedAt: null, createdAt: "2026-01-09T23:00:00.000Z", ...over }) as RunnerRecord;
  it.each([
    ["17.11", {}, "never_contacted"],
    ["13.12", {}, "not_connected"],
    ["17.11", { active: false }, "never_contacted"],
    ["17.11", { contactedAt: "2026-01-09T23:30:00.000Z" }, "online"],
    ["17.11", { contactedAt: "2026-01-09T21:00:00.000Z" }, "offline"],
    ["13.12", { contactedAt: "2026-01-09T23:30:00.000Z", active: false }, "paused"],
    ["17.11", { createdAt: "2025-12-01T00:00:00.000Z" }, "stale"],
    ["17.11", { createdAt: "2025-12-01T00:00:00.000Z", active: false }, "stale"],
  ] as const)("%s %j → %s", (version, over, status) => {
    expect(runnerStatus(runner(over), now, versionFeatures(version))).toBe(status);
  });
});

describe("helpers", () => {
  it("redacts token-bearing query params", () => {
    expect(redactedPath("/api/v4/runners", "private_token=abc&page=2&token=x")).toBe(
      "/api/v4/runners?private_token=[FILTERED]&page=2&token=[FILTERED]",
    );
  });

  it("renders Rails full messages as a sentence (§9)", () => {
    expect(fullMessagesSentence({ tags_list: ["a"], maximum_timeout: ["b"] })).toBe(
      "Tags list a and Maximum timeout b",
    );
    expect(fullMessagesSentence({ x: ["1", "2", "3"] })).toBe("X 1, X 2, and X 3");
  });
});

describe("pagination headers (§1.4)", () => {
  const ctx = {
    rawQuery: "private_token=secret&b=2&a=1",
    baseUrl: "http://h:1",
    path: "/api/v4/runners/all",
  };
  it("omits totals and rel=last above 10,000 items and never echoes private_token", () => {
    const many = Array.from({ length: 10_001 }, (_, i) => i);
    const page = paginate(ctx as RequestContext, many, { page: 2, per_page: 50 });
    expect(page.items[0]).toBe(50);
    expect(page.headers["X-Total"]).toBeUndefined();
    expect(page.headers["X-Total-Pages"]).toBeUndefined();
    expect(page.headers.Link).not.toContain('rel="last"');
    expect(page.headers.Link).not.toContain("secret");
    expect(page.headers.Link).toContain(
      '<http://h:1/api/v4/runners/all?a=1&b=2&page=3&per_page=50>; rel="next"',
    );
  });
});
