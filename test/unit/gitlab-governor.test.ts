import { describe, expect, it } from "vitest";
import { Governor } from "../../provider/gitlab/resilience/governor";

const quiet = { debug() {}, warn() {} };

describe("Governor", () => {
  it("caps concurrent slots and hands them over in order", async () => {
    const governor = new Governor({ maxConcurrency: 2, maxDelayMs: 1_000 });
    const order: number[] = [];
    const a = await governor.acquire();
    const b = await governor.acquire();
    const c = governor.acquire().then((release) => {
      order.push(3);
      return release;
    });
    const d = governor.acquire().then((release) => {
      order.push(4);
      return release;
    });
    expect(governor.active).toBe(2);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual([3, 4]);
    expect(governor.peak).toBe(2);
    expect(governor.active).toBe(0);
  });

  it("leaves a waiting request when its signal aborts", async () => {
    const governor = new Governor({ maxConcurrency: 1, maxDelayMs: 1_000 });
    const held = await governor.acquire();
    const controller = new AbortController();
    const waiting = governor.acquire(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    held();
    expect(governor.active).toBe(0);
  });

  it("does nothing while RateLimit-Remaining is high", async () => {
    let now = 1_000_000;
    const governor = new Governor({ maxConcurrency: 4, maxDelayMs: 60_000, now: () => now });
    governor.observe({ limit: 600, remaining: 500, resetAtMs: now + 60_000 }, quiet);
    const started = Date.now();
    (await governor.acquire())();
    expect(Date.now() - started).toBeLessThan(250);
    now += 1;
  });

  it("spaces requests when RateLimit-Remaining is low, and logs it", async () => {
    let now = 1_000_000;
    const lines: string[] = [];
    const governor = new Governor({ maxConcurrency: 4, maxDelayMs: 60_000, now: () => now });
    governor.observe(
      { limit: 600, remaining: 10, resetAtMs: now + 400 },
      { debug: (m) => lines.push(m), warn: (m) => lines.push(m) },
    );
    expect(lines.join("\n")).toMatch(/10 of 600 requests left.*spacing requests 40ms apart/);
    const started = Date.now();
    (await governor.acquire())();
    (await governor.acquire())();
    (await governor.acquire())();
    // First immediately, then 40 ms apart.
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    now += 1;
  });

  it("holds every new request until the reset when nothing is left", async () => {
    const lines: string[] = [];
    const governor = new Governor({ maxConcurrency: 4, maxDelayMs: 60_000 });
    governor.observe(
      { remaining: 0, resetAtMs: Date.now() + 150, name: "throttle_authenticated_api" },
      { debug() {}, warn: (m) => lines.push(m) },
    );
    expect(lines.join("\n")).toMatch(/holding new requests.*throttle_authenticated_api/);
    const started = Date.now();
    (await governor.acquire())();
    expect(Date.now() - started).toBeGreaterThanOrEqual(130);
  });

  it("never pauses longer than maxDelayMs", async () => {
    const governor = new Governor({ maxConcurrency: 1, maxDelayMs: 50 });
    governor.pauseUntil(Date.now() + 3_600_000, "test", quiet);
    const started = Date.now();
    (await governor.acquire())();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
