import { z } from "zod";
import type { FaultConfig, FaultKind, FaultRule } from "../types";
import { compilePathPattern, type PathPattern, PathPatternError } from "./path-pattern";
import { mulberry32 } from "./prng";

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
  path: PathPattern | null;
  remaining: number;
}

const NO_FAULT: FaultDecision = Object.freeze({
  latencyMs: 0,
  stallMs: 0,
  terminal: null,
  after: null,
  applied: [],
}) as FaultDecision;

export const faultRuleSchema = z.object({
  method: z.string().optional(),
  /** A RegExp-syntax pattern without backtracking constructs (path-pattern.ts), matched in linear time. */
  path: z
    .string()
    .superRefine((source, ctx) => {
      try {
        compilePathPattern(source);
      } catch (err) {
        if (!(err instanceof PathPatternError)) throw err;
        ctx.addIssue({ code: "custom", message: err.message });
      }
    })
    .optional(),
  rate: z.number().min(0).max(1).optional(),
  count: z.number().int().nonnegative().optional(),
  kind: z.enum([
    "latency",
    "rate_limit",
    "rate_limit_bare",
    "status",
    "reset",
    "drop_after_apply",
    "stall_headers",
    "truncate_json",
  ]),
  latencyMs: z.number().nonnegative().optional(),
  jitterMs: z.number().nonnegative().optional(),
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
  stallMs: z.number().nonnegative().optional(),
});

export const faultConfigSchema = z.object({
  seed: z.number().int().optional(),
  rules: z.array(faultRuleSchema),
  rateLimit: z
    .object({
      requests: z.number().int().positive(),
      windowSeconds: z.number().positive(),
      headersOnSuccess: z.boolean().optional(),
    })
    .optional(),
});

/** Validates a fault configuration (PUT /-/emulator/faults) and throws FaultConfigError. */
export function checkFaultConfig(input: unknown): FaultConfig {
  const parsed = faultConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FaultConfigError(
      `invalid faults: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    );
  }
  return stripUndefined(parsed.data) as FaultConfig;
}

/** Drops keys whose value is undefined, so the config reads back as it was written. */
function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
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
      path: rule.path === undefined ? null : compilePathPattern(rule.path),
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

  /** Rack::Attack-style throttle: a fixed window per caller (docs/gitlab-api.md §1.5). */
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
    const headers = rateLimitHeaders({
      limit: Math.ceil((limit.requests * 60) / limit.windowSeconds),
      observed: window.count,
      remaining: Math.max(0, limit.requests - window.count),
      resetMs: window.start + windowMs,
      now,
    });
    if (window.count <= limit.requests) {
      // docs/gitlab-api.md §1.5 promises these headers only on 429s; GitLab.com also sends them on
      // allowed requests, which `headersOnSuccess` opts into (never Retry-After then).
      delete headers["Retry-After"];
      return { limited: false, headers: limit.headersOnSuccess === true ? headers : {} };
    }
    return { limited: true, headers };
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
