import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  defaultFixture,
  type FaultConfig,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";

// Fault injection and the control API under /-/emulator/ (docs/design.md "The emulator";
// rate limiting as GitLab's Rack::Attack answers it, docs/gitlab-api.md §1.5).

const T = FIXTURE_TOKENS;
let emu: RunningEmulator;

async function get(path: string, token: string = T.admin, options: { headersTimeout?: number } = {}) {
  const res = await request(`${emu.url}/api/v4${path}`, { headers: { "private-token": token }, ...options });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function put(path: string, form: Record<string, string>) {
  const res = await request(`${emu.url}/api/v4${path}`, {
    method: "PUT",
    headers: { "private-token": T.admin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function control(method: string, action: string, body?: unknown) {
  const res = await request(`${emu.url}/-/emulator/${action}`, {
    method: method as "GET",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

function description(id: number): string | null | undefined {
  return emu.state().runners.find((r) => r.id === id)?.description;
}

beforeAll(async () => {
  emu = await startEmulator({ seed: 7 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
});

describe("fault kinds", () => {
  it("latency delays, then handles normally", async () => {
    emu.setFaults({ rules: [{ kind: "latency", latencyMs: 150 }] });
    const started = Date.now();
    const res = await get("/runners/1");
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(emu.requests()[0]?.fault).toBe("latency");
  });

  it("rate_limit answers 429 text/plain with Retry-After and RateLimit-* headers (§1.5)", async () => {
    emu.setFaults({ rules: [{ kind: "rate_limit", retryAfterSeconds: 7 }] });
    const res = await get("/runners/1");
    expect(res.status).toBe(429);
    expect(res.text).toBe("Retry later\n");
    expect(String(res.headers["content-type"])).toContain("text/plain");
    expect(res.headers["retry-after"]).toBe("7");
    for (const h of [
      "ratelimit-name",
      "ratelimit-limit",
      "ratelimit-observed",
      "ratelimit-remaining",
      "ratelimit-reset",
    ])
      expect(res.headers[h]).toBeDefined();
    expect(res.headers["ratelimit-remaining"]).toBe("0");
    expect(Number(res.headers["ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
    expect(Number.isNaN(Date.parse(String(res.headers["ratelimit-resettime"])))).toBe(false);
  });

  it("rate_limit_bare answers 429 without Retry-After or RateLimit-* headers (§1.5)", async () => {
    emu.setFaults({ rules: [{ kind: "rate_limit_bare" }] });
    const res = await get("/runners/1");
    expect(res.status).toBe(429);
    expect(res.text).toBe("Retry later\n");
    expect(res.headers["retry-after"]).toBeUndefined();
    expect(Object.keys(res.headers).filter((h) => h.startsWith("ratelimit"))).toEqual([]);
  });

  it.each([500, 503, 504] as const)("status %s answers without applying the change", async (status) => {
    emu.setFaults({ rules: [{ kind: "status", status, method: "PUT" }] });
    const res = await put("/runners/1", { description: "never" });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.text).message).toMatch(new RegExp(`^${status}`));
    expect(description(1)).toBe("shared-autoscaler");
  });

  it("status 502 answers an HTML body", async () => {
    emu.setFaults({ rules: [{ kind: "status", status: 502 }] });
    const res = await get("/runners/1");
    expect(res.status).toBe(502);
    expect(String(res.headers["content-type"])).toContain("text/html");
    expect(res.text).toContain("<html>");
  });

  it("reset destroys the connection before handling", async () => {
    emu.setFaults({ rules: [{ kind: "reset", method: "PUT" }] });
    await expect(put("/runners/1", { description: "never" })).rejects.toThrow();
    expect(description(1)).toBe("shared-autoscaler");
    expect(emu.requests()[0]).toMatchObject({ status: 0, fault: "reset" });
  });

  it("drop_after_apply applies the change, then drops the connection without a response", async () => {
    emu.setFaults({ rules: [{ kind: "drop_after_apply", method: "PUT", path: "^/api/v4/runners/\\d+$" }] });
    await expect(put("/runners/1", { description: "applied" })).rejects.toThrow();
    expect(description(1)).toBe("applied");
    expect(emu.requests()[0]).toMatchObject({ status: 0, fault: "drop_after_apply" });
  });

  it("stall_headers holds the response, then answers normally", async () => {
    emu.setFaults({ rules: [{ kind: "stall_headers", stallMs: 1500 }] });
    await expect(get("/runners/1", T.admin, { headersTimeout: 300 })).rejects.toMatchObject({
      code: "UND_ERR_HEADERS_TIMEOUT",
    });
    const started = Date.now();
    const res = await get("/runners/1");
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it("truncate_json sends a complete response whose JSON is cut in half", async () => {
    emu.setFaults({ rules: [{ kind: "truncate_json", count: 1 }] });
    const res = await get("/runners/1");
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    const full = await get("/runners/1");
    expect(res.text.length).toBe(Math.floor(full.text.length / 2));
    expect(full.text.startsWith(res.text)).toBe(true);
  });
});

describe("targeting and determinism", () => {
  it("targets by method and path, and applies at most count times", async () => {
    emu.setFaults({
      rules: [{ kind: "status", status: 503, method: "GET", path: "^/api/v4/runners/2$", count: 2 }],
    });
    expect((await get("/runners/1")).status).toBe(200);
    expect((await get("/runners/2")).status).toBe(503);
    expect((await get("/runners/2")).status).toBe(503);
    expect((await get("/runners/2")).status).toBe(200);
  });

  it("draws the same faults for the same seed and different ones for another seed", async () => {
    const run = async (seed: number): Promise<number[]> => {
      emu.reset();
      emu.setFaults({ seed, rules: [{ kind: "status", status: 500, rate: 0.5 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await get("/runners/1")).status);
      return statuses;
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it("applies jittered latency to every matching request", async () => {
    emu.setFaults({ seed: 5, rules: [{ kind: "latency", latencyMs: 0, jitterMs: 60 }] });
    for (let i = 0; i < 5; i++) await get("/runners/1");
    const first = emu.requests().map((r) => r.fault);
    expect(first.every((f) => f === "latency")).toBe(true);
  });
});

describe("rate-limit mode (§1.5)", () => {
  it("allows N requests per window per caller, then answers like Rack::Attack", async () => {
    emu.setFaults({ rules: [], rateLimit: { requests: 2, windowSeconds: 60 } });
    const first = await get("/runners/1");
    expect(first.status).toBe(200);
    expect(first.headers["ratelimit-remaining"]).toBeUndefined();
    expect((await get("/runners/1")).status).toBe(200);
    const limited = await get("/runners/1");
    expect(limited.status).toBe(429);
    expect(limited.text).toBe("Retry later\n");
    expect(limited.headers["ratelimit-limit"]).toBe("2");
    expect(limited.headers["ratelimit-observed"]).toBe("3");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect((await get("/runners/1", T.owner)).status).toBe(200);
  });

  it("sends RateLimit-* on allowed requests too with headersOnSuccess, as GitLab.com does", async () => {
    emu.setFaults({ rules: [], rateLimit: { requests: 2, windowSeconds: 60, headersOnSuccess: true } });
    const first = await get("/runners/1");
    expect(first.headers["ratelimit-remaining"]).toBe("1");
    expect(first.headers["ratelimit-observed"]).toBe("1");
    expect(first.headers["retry-after"]).toBeUndefined();
    expect((await get("/runners/1")).headers["ratelimit-remaining"]).toBe("0");
    expect((await get("/runners/1")).status).toBe(429);
  });
});

describe("control API (/-/emulator/)", () => {
  it("PUT faults replaces the rules and GET faults reads them back", async () => {
    const config: FaultConfig = { seed: 3, rules: [{ kind: "status", status: 504 }] };
    const res = await control("PUT", "faults", config);
    expect(res.status).toBe(200);
    expect((await control("GET", "faults")).json).toEqual(config);
    expect((await get("/runners/1")).status).toBe(504);
    await control("PUT", "faults", { rules: [] });
    expect((await get("/runners/1")).status).toBe(200);
  });

  it("refuses an invalid fault config with 400 and keeps the old one", async () => {
    expect((await control("PUT", "faults", { rules: [{ kind: "explode" }] })).status).toBe(400);
    expect((await control("PUT", "faults", { rules: [{ kind: "latency", path: "(" }] })).status).toBe(400);
    expect(() => emu.setFaults({ rules: [{ kind: "status", rate: 2 }] })).toThrow();
  });

  it("GET state returns the whole state, equal to state()", async () => {
    const res = await control("GET", "state");
    expect(res.json).toEqual(JSON.parse(JSON.stringify(emu.state())));
    expect(emu.state().gitlabVersion).toBe("17.11");
    expect(emu.state().registrationTokensAllowed).toBe(false);
  });

  it("POST fixture replaces the state; an invalid fixture is refused without losing state", async () => {
    const fixture = defaultFixture();
    fixture.runners = fixture.runners.filter((r) => r.id === 1);
    expect((await control("POST", "fixture", fixture)).status).toBe(200);
    expect(emu.state().runners.map((r) => r.id)).toEqual([1]);
    const broken = defaultFixture();
    broken.projects.push({ id: 500, path: "orphan", namespaceId: 999 });
    const bad = await control("POST", "fixture", broken);
    expect(bad.status).toBe(400);
    expect(emu.state().runners.map((r) => r.id)).toEqual([1]);
    expect((await control("POST", "fixture", "{not json")).status).toBe(400);
    const mistyped = defaultFixture() as unknown as { runners: { tagList: unknown }[] };
    if (mistyped.runners[0]) mistyped.runners[0].tagList = [1];
    const typeError = await control("POST", "fixture", mistyped);
    expect(typeError.status).toBe(400);
    expect(JSON.stringify(typeError.json)).toContain("runners.0.tagList.0");
  });

  it("a state snapshot loads back as a fixture", async () => {
    await put("/runners/2", { description: "changed" });
    const snapshot = emu.state();
    emu.reset();
    emu.loadFixture(snapshot);
    expect(emu.state()).toEqual(snapshot);
  });

  it("POST reset restores the starting fixture and clears log and faults", async () => {
    await put("/runners/1", { description: "changed" });
    emu.setFaults({ rules: [{ kind: "status", status: 500, path: "^/nothing$" }] });
    expect((await control("POST", "reset")).status).toBe(200);
    expect(description(1)).toBe("shared-autoscaler");
    expect(emu.requests()).toEqual([]);
    expect((await control("GET", "faults")).json).toEqual({ rules: [] });
  });

  it("GET settings reads the instance settings and PATCH settings changes those given", async () => {
    expect((await control("GET", "settings")).json).toEqual({
      registrationTokensAllowed: false,
      validRunnerRegistrars: ["project", "group"],
      planLimits: { ciRegisteredProjectRunners: 1000, ciRegisteredGroupRunners: 1000 },
      runnerMigrationBackoff: false,
    });
    const res = await control("PATCH", "settings", {
      runnerMigrationBackoff: true,
      planLimits: { ciRegisteredGroupRunners: 5 },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      runnerMigrationBackoff: true,
      planLimits: { ciRegisteredProjectRunners: 1000, ciRegisteredGroupRunners: 5 },
    });
    expect(emu.state().runnerMigrationBackoff).toBe(true);
    const bad = await control("PATCH", "settings", { runnerMigrationBackoff: "yes" });
    expect(bad.status).toBe(400);
    expect((await control("PATCH", "settings", { unknownSetting: 1 })).status).toBe(400);
    expect(emu.state().runnerMigrationBackoff).toBe(true);
  });

  it("answers unknown control actions with 404 and keeps /api/v4 clear of them", async () => {
    expect((await control("GET", "nope")).status).toBe(404);
    expect((await get("/-/emulator/state")).status).toBe(404);
  });
});

describe("fault path patterns (linear-time matching)", () => {
  it("answers a hostile path at once under a nested-quantifier rule, and keeps serving", async () => {
    emu.setFaults({ rules: [{ kind: "status", status: 503, path: "^/api/v4/(a+)+$" }] });
    // A backtracking RegExp would try 2^10000 splits of the a's before failing on the b.
    const started = performance.now();
    const hostile = await get(`/${"a".repeat(10_000)}b`);
    const elapsedMs = performance.now() - started;
    expect(hostile.status).toBe(404);
    // A liveness bound, not a speed claim: the backtracking alternative never finishes.
    expect(elapsedMs).toBeLessThan(2_000);
    expect((await get(`/${"a".repeat(10_000)}`)).status).toBe(503);
    emu.setFaults({ rules: [] });
    expect((await get("/runners/1")).status).toBe(200);
  });

  it("refuses patterns that need backtracking, naming the construct", async () => {
    const res = await control("PUT", "faults", { rules: [{ kind: "status", path: "^/api/v4/(a)\\1$" }] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain("backreferences are not supported");
    const look = await control("PUT", "faults", { rules: [{ kind: "status", path: "(?=x)" }] });
    expect(JSON.stringify(look.json)).toContain("lookaround");
  });
});

describe("control API safety", () => {
  async function raw(method: string, action: string, headers: Record<string, string>, body?: string) {
    const res = await request(`${emu.url}/-/emulator/${action}`, {
      method: method as "GET",
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      headers: res.headers,
      json: text === "" ? undefined : (JSON.parse(text) as unknown),
    };
  }

  it("refuses a fixture sent as text/plain (a cross-origin form or fetch can send that) with 415", async () => {
    const fixture = defaultFixture();
    fixture.runners = [];
    const res = await raw("POST", "fixture", { "content-type": "text/plain" }, JSON.stringify(fixture));
    expect(res.status).toBe(415);
    expect(res.json).toEqual({ error: "the control API accepts only Content-Type: application/json" });
    expect(emu.state().runners).toHaveLength(3);
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
      expect((await raw("POST", "reset", { "content-type": type }, "")).status).toBe(415);
    expect((await raw("POST", "reset", {})).status).toBe(415);
    expect((await raw("PUT", "faults", { "content-type": "text/plain" }, '{"rules":[]}')).status).toBe(415);
  });

  it("refuses requests from a foreign Origin, whatever the method", async () => {
    const json = { "content-type": "application/json" };
    for (const origin of ["https://evil.example", "null", `http://attacker.test:${new URL(emu.url).port}`]) {
      const reset = await raw("POST", "reset", { ...json, origin }, "");
      expect(reset.status).toBe(403);
      expect(reset.json).toEqual({
        error: `control requests from another origin are refused (Origin: ${origin})`,
      });
      expect((await raw("GET", "state", { origin })).status).toBe(403);
    }
    // The emulator's own origins, and requests without one (curl, tests), are fine.
    const port = new URL(emu.url).port;
    for (const origin of [emu.url, `http://localhost:${port}`, `http://[::1]:${port}`])
      expect((await raw("GET", "state", { origin })).status).toBe(200);
    expect((await raw("POST", "reset", json, "")).status).toBe(200);
  });

  it("requires the control token when one is set, leaving /api/v4 and in-process control alone", async () => {
    const guarded = await startEmulator({ controlToken: "s3cret-control-token" });
    try {
      const url = `${guarded.url}/-/emulator/state`;
      const none = await request(url);
      expect(none.statusCode).toBe(401);
      expect(none.headers["www-authenticate"]).toContain("Bearer");
      await none.body.text();
      const wrong = await request(url, { headers: { authorization: "Bearer nope" } });
      expect(wrong.statusCode).toBe(401);
      await wrong.body.text();
      const right = await request(url, { headers: { authorization: "Bearer s3cret-control-token" } });
      expect(right.statusCode).toBe(200);
      await right.body.text();
      const api = await request(`${guarded.url}/api/v4/runners/1`, { headers: { "private-token": T.admin } });
      expect(api.statusCode).toBe(200);
      await api.body.text();
      guarded.reset();
      expect(guarded.state().runners).toHaveLength(3);
    } finally {
      await guarded.stop();
    }
    await expect(startEmulator({ controlToken: "short" })).rejects.toThrow(/at least 8/);
  });
});
