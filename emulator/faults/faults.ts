import type { FaultConfig, FaultKind, FaultRule } from "../types";
import { mulberry32 } from "./prng";

const KINDS: ReadonlySet<FaultKind> = new Set([
  "latency",
  "rate_limit",
  "rate_limit_bare",
  "status",
  "reset",
  "drop_after_apply",
  "stall_headers",
  "truncate_json",
]);

export class FaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultConfigError";
  }
}

/** What the server must do to one request, decided before it is handled. */
export interface FaultDecision {
  /** Total delay before handling (latency rules add up). */
  latencyMs: number;
  /** stall_headers: hold the response this long, then answer normally. */
  stallMs: number;
  /** A rule that answers instead of handling (status, rate_limit, rate_limit_bare, reset). */
  terminal: FaultRule | null;
  /** A rule that handles, then spoils the response (drop_after_apply, truncate_json). */
  after: FaultRule | null;
  /** Kinds applied, for the request log. */
  applied: FaultKind[];
}

export interface ThrottleResult {
  limited: boolean;
  headers: Record<string, string>;
}

interface CompiledRule {
  rule: FaultRule;
  method: string | null;
  path: RegExp | null;
  remaining: number;
}

const NO_FAULT: FaultDecision = Object.freeze({
  latencyMs: 0,
  stallMs: 0,
  terminal: null,
  after: null,
  applied: [],
}) as FaultDecision;

/** Validates a fault configuration (PUT /-/emulator/faults) and throws FaultConfigError. */
export function checkFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== "object" || input === null) throw new FaultConfigError("faults must be an object");
  const config = input as Partial<FaultConfig>;
  const rules = config.rules ?? [];
  if (!Array.isArray(rules)) throw new FaultConfigError("rules must be an array");
  for (const [i, rule] of rules.entries()) {
    if (typeof rule !== "object" || rule === null)
      throw new FaultConfigError(`rules[${i}] must be an object`);
    if (!KINDS.has(rule.kind)) throw new FaultConfigError(`rules[${i}].kind is not a known fault kind`);
    if (rule.path !== undefined) {
      try {
        new RegExp(rule.path);
      } catch {
        throw new FaultConfigError(`rules[${i}].path is not a valid regular expression`);
      }
    }
    if (rule.rate !== undefined && (typeof rule.rate !== "number" || rule.rate < 0 || rule.rate > 1))
      throw new FaultConfigError(`rules[${i}].rate must be between 0 and 1`);
    if (rule.kind === "status" && rule.status !== undefined && ![500, 502, 503, 504].includes(rule.status))
      throw new FaultConfigError(`rules[${i}].status must be 500, 502, 503 or 504`);
  }
  const rateLimit = config.rateLimit;
  if (rateLimit !== undefined) {
    if (
      typeof rateLimit !== "object" ||
      rateLimit === null ||
      !(rateLimit.requests >= 1) ||
      !(rateLimit.windowSeconds > 0)
    )
      throw new FaultConfigError("rateLimit needs requests >= 1 and windowSeconds > 0");
  }
  const out: FaultConfig = { rules: structuredClone(rules) };
  if (typeof config.seed === "number") out.seed = config.seed;
  if (rateLimit !== undefined) out.rateLimit = { ...rateLimit };
  return out;
}

/**
 * Fault injection, deterministic for a seed: each matching rule draws once from the PRNG,
 * in rule order, so the same request sequence meets the same faults.
 */
export class FaultEngine {
  private config: FaultConfig = { rules: [] };
  private rules: CompiledRule[] = [];
  private random: () => number;
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly defaultSeed: number;

  constructor(seed: number) {
    this.defaultSeed = seed;
    this.random = mulberry32(seed);
  }

  set(input: FaultConfig): void {
    const config = checkFaultConfig(input);
    this.config = config;
    this.random = mulberry32(config.seed ?? this.defaultSeed);
    this.windows.clear();
    this.rules = config.rules.map((rule) => ({
      rule,
      method: rule.method === undefined ? null : rule.method.toUpperCase(),
      path: rule.path === undefined ? null : new RegExp(rule.path),
      remaining: rule.count ?? Number.POSITIVE_INFINITY,
    }));
  }

  clear(): void {
    this.set({ rules: [] });
  }

  current(): FaultConfig {
    return structuredClone(this.config);
  }

  get active(): boolean {
    return this.rules.length > 0 || this.config.rateLimit !== undefined;
  }

  decide(method: string, path: string): FaultDecision {
    if (this.rules.length === 0) return NO_FAULT;
    const decision: FaultDecision = { latencyMs: 0, stallMs: 0, terminal: null, after: null, applied: [] };
    for (const compiled of this.rules) {
      const { rule } = compiled;
      if (compiled.remaining <= 0) continue;
      if (compiled.method !== null && compiled.method !== method) continue;
      if (compiled.path?.test(path) === false) continue;
      const draw = this.random();
      if (draw >= (rule.rate ?? 1)) continue;
      if (rule.kind === "latency") {
        decision.latencyMs += (rule.latencyMs ?? 0) + Math.floor(this.random() * (rule.jitterMs ?? 0));
      } else if (rule.kind === "stall_headers") {
        decision.stallMs = Math.max(decision.stallMs, rule.stallMs ?? 30_000);
      } else if (rule.kind === "drop_after_apply" || rule.kind === "truncate_json") {
        if (decision.after !== null || decision.terminal !== null) continue;
        decision.after = rule;
      } else {
        if (decision.terminal !== null || decision.after !== null) continue;
        decision.terminal = rule;
      }
      compiled.remaining -= 1;
      decision.applied.push(rule.kind);
    }
    return decision;
  }

  /** Rack::Attack-style throttle: a fixed window per caller (reference §1.5). */
  throttle(caller: string, now: number): ThrottleResult | null {
    const limit = this.config.rateLimit;
    if (limit === undefined) return null;
    const windowMs = limit.windowSeconds * 1000;
    let window = this.windows.get(caller);
    if (window === undefined || now >= window.start + windowMs) {
      window = { start: Math.floor(now / windowMs) * windowMs, count: 0 };
      this.windows.set(caller, window);
    }
    window.count += 1;
    if (window.count <= limit.requests) return { limited: false, headers: {} };
    const resetMs = window.start + windowMs;
    return {
      limited: true,
      headers: rateLimitHeaders({
        limit: Math.ceil((limit.requests * 60) / limit.windowSeconds),
        observed: window.count,
        remaining: 0,
        resetMs,
        now,
      }),
    };
  }
}

/** GitLab's Rack::Attack throttle headers (lib/gitlab/rack_attack.rb). */
export function rateLimitHeaders(input: {
  limit: number;
  observed: number;
  remaining: number;
  resetMs: number;
  now: number;
}): Record<string, string> {
  const retryAfter = Math.max(1, Math.ceil((input.resetMs - input.now) / 1000));
  return {
    "RateLimit-Name": "throttle_authenticated_api",
    "RateLimit-Limit": String(input.limit),
    "RateLimit-Observed": String(input.observed),
    "RateLimit-Remaining": String(input.remaining),
    "RateLimit-Reset": String(Math.ceil(input.resetMs / 1000)),
    "RateLimit-ResetTime": new Date(input.resetMs).toUTCString(),
    "Retry-After": String(retryAfter),
  };
}

/** The body GitLab's NGINX/Workhorse answers a 502 with. */
export const BAD_GATEWAY_HTML = `<!DOCTYPE html>
<html>
<head>
  <meta content="width=device-width, initial-scale=1, maximum-scale=1" name="viewport">
  <title>GitLab is not responding (502)</title>
</head>
<body>
  <h1>502</h1>
  <h3>Whoops, GitLab is taking too much time to respond.</h3>
  <p>Try refreshing the page, or going back and attempting the action again.</p>
</body>
</html>
`;
