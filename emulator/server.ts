import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { ApiResponse, RequestContext } from "./api/context";
import { buildRouter, type RouteSpec } from "./api/routes";
import { RequestLog, redactedPath } from "./control/request-log";
import { BAD_GATEWAY_HTML, FaultConfigError, FaultEngine, rateLimitHeaders } from "./faults/faults";
import { authenticate, extractToken } from "./http/auth";
import { BodyTooLargeError, MAX_BODY_BYTES, parseBody, parseUrlEncoded, readBody } from "./http/body";
import { ApiError, routeNotFound } from "./http/errors";
import type { Params } from "./http/params";
import type { Router } from "./http/router";
import { FixtureError, Store } from "./state/store";
import type { EmulatorState, FaultConfig, FaultRule, Fixture, RequestLogEntry } from "./types";
import type { VersionFeatures } from "./version";

const CONTROL_PREFIX = "/-/emulator/";
const CONTROL_BODY_LIMIT = 64 * 1024 * 1024;
const JSON_TYPE = "application/json";

export interface EmulatorCoreOptions {
  features: VersionFeatures;
  fixture: Fixture;
  seed: number;
}

/**
 * The emulated GitLab behind one HTTP server: state, faults, request log and dispatch.
 * Everything a request needs is in memory; no disk IO happens per request.
 */
export class EmulatorCore {
  readonly features: VersionFeatures;
  readonly store: Store;
  readonly faults: FaultEngine;
  readonly log = new RequestLog();
  readonly server: Server;
  private readonly router: Router<RouteSpec>;
  private readonly initialFixture: Fixture;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  constructor(options: EmulatorCoreOptions) {
    this.features = options.features;
    this.initialFixture = structuredClone(options.fixture);
    this.store = new Store(options.features, this.initialFixture);
    this.faults = new FaultEngine(options.seed);
    this.router = buildRouter(options.features);
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      this.handle(req, res).catch(() => this.crashed(res));
    });
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server.on("clientError", (_err, socket: Socket) => {
      if (socket.writable)
        socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      else socket.destroy();
    });
  }

  state(): EmulatorState {
    return this.store.snapshot();
  }

  reset(): void {
    this.store.load(this.initialFixture);
    this.log.clear();
    this.faults.clear();
  }

  loadFixture(fixture: Fixture | EmulatorState): void {
    this.store.load(structuredClone(fixture));
  }

  setFaults(config: FaultConfig): void {
    this.faults.set(config);
  }

  requests(): RequestLogEntry[] {
    return this.log.list();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  /** A delay that `stop()` cuts short, so a stalled response never keeps the process alive. */
  private delay(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Last resort: an unexpected failure answers GitLab's 500 and the server keeps running. */
  private crashed(res: ServerResponse): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    this.send(res, "GET", { status: 500, body: { message: "500 Internal Server Error" } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const now = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
    if (path.startsWith(CONTROL_PREFIX)) {
      await this.handleControl(req, res, method, path.slice(CONTROL_PREFIX.length));
      return;
    }

    const match = this.router.match(method, path);
    const query = rawQuery === "" ? null : new URLSearchParams(rawQuery);
    const token = extractToken(req.headers, query);
    const callerId = token === null ? null : (this.store.tokens.get(token)?.user.id ?? null);
    const entry: RequestLogEntry = {
      method,
      path: redactedPath(path, rawQuery),
      route: match?.route ?? "*",
      status: 0,
      callerId,
      durationMs: 0,
    };
    const finish = (status: number, fault?: string): void => {
      entry.status = status;
      entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      if (fault !== undefined) entry.fault = fault;
      this.log.add(entry);
    };

    const throttle = this.faults.throttle(
      callerId === null ? `ip:${clientIp(req)}` : `user:${callerId}`,
      now,
    );
    if (throttle?.limited) {
      this.send(res, method, { status: 429, text: "Retry later\n", headers: throttle.headers });
      finish(429, "rate_limit_window");
      return;
    }
    const decision = this.faults.decide(method, path);
    const faultLabel = decision.applied.length > 0 ? decision.applied.join(",") : undefined;
    if (decision.latencyMs > 0) await this.delay(decision.latencyMs);
    if (this.stopped) return;
    if (decision.terminal !== null) {
      this.answerFault(req, res, method, decision.terminal, now);
      finish(decision.terminal.kind === "reset" ? 0 : res.statusCode, faultLabel);
      return;
    }

    const response = await this.dispatch(req, method, path, rawQuery, token, match, now);

    if (decision.stallMs > 0) await this.delay(decision.stallMs);
    if (this.stopped || res.destroyed) {
      finish(0, faultLabel);
      return;
    }
    if (decision.after?.kind === "drop_after_apply") {
      req.socket.destroy();
      finish(0, faultLabel);
      return;
    }
    if (decision.after?.kind === "truncate_json") {
      this.sendTruncated(res, response);
      finish(response.status, faultLabel);
      return;
    }
    this.send(res, method, response);
    finish(response.status, faultLabel);
  }

  private async dispatch(
    req: IncomingMessage,
    method: string,
    path: string,
    rawQuery: string,
    token: string | null,
    match: ReturnType<Router<RouteSpec>["match"]>,
    now: number,
  ): Promise<ApiResponse> {
    try {
      let body: Params = {};
      if (method !== "GET" && method !== "HEAD") {
        const buffer = await readBody(req, MAX_BODY_BYTES);
        body = parseBody(buffer, req.headers["content-type"]);
      }
      if (match === null) throw routeNotFound();
      // Query and body merged, body wins; path params last, as Grape's route params do.
      const params: Params = parseUrlEncoded(rawQuery);
      Object.assign(params, body, match.params);
      const ctx: RequestContext = {
        store: this.store,
        f: this.features,
        now,
        method,
        path,
        rawQuery,
        params,
        pathParams: match.params,
        headers: req.headers,
        baseUrl: `http://${req.headers.host ?? "localhost"}`,
        clientIp: clientIp(req),
        user: null,
      };
      // `authenticate!` runs in a `before` block, ahead of parameter validation (reference §1.1).
      if (match.handler.auth !== null)
        ctx.user = authenticate(this.store, token, match.handler.auth, method, now);
      return match.handler.handler(ctx);
    } catch (err) {
      if (err instanceof ApiError) return { status: err.status, body: err.body, headers: { ...err.headers } };
      if (err instanceof BodyTooLargeError)
        return {
          status: 413,
          body: { message: "413 Request Entity Too Large" },
          headers: { Connection: "close" },
        };
      return { status: 500, body: { message: "500 Internal Server Error" } };
    }
  }

  private answerFault(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    rule: FaultRule,
    now: number,
  ): void {
    switch (rule.kind) {
      case "reset":
        req.socket.destroy();
        return;
      case "rate_limit": {
        const retryAfter = rule.retryAfterSeconds ?? 60;
        const headers = rateLimitHeaders({
          limit: 600,
          observed: 601,
          remaining: 0,
          resetMs: now + retryAfter * 1000,
          now,
        });
        this.send(res, method, { status: 429, text: "Retry later\n", headers });
        return;
      }
      case "rate_limit_bare":
        this.send(res, method, { status: 429, text: "Retry later\n" });
        return;
      default: {
        const status = rule.status ?? 500;
        if (status === 502) {
          res.writeHead(502, {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Length": BAD_GATEWAY_HTML.length,
          });
          res.end(method === "HEAD" ? undefined : BAD_GATEWAY_HTML);
          return;
        }
        const reason: Record<number, string> = {
          500: "500 Internal Server Error",
          503: "503 Service Unavailable",
          504: "504 Gateway Timeout",
        };
        this.send(res, method, { status, body: { message: reason[status] ?? `${status}` } });
      }
    }
  }

  private send(res: ServerResponse, method: string, response: ApiResponse): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = { "Cache-Control": "no-cache", ...response.headers };
    let payload: string | undefined;
    if (response.status === 204) payload = undefined;
    else if (response.text !== undefined) {
      payload = response.text;
      headers["Content-Type"] = "text/plain";
    } else {
      payload = JSON.stringify(response.body ?? null);
      headers["Content-Type"] = JSON_TYPE;
    }
    if (payload !== undefined) headers["Content-Length"] = Buffer.byteLength(payload);
    res.writeHead(response.status, headers);
    res.end(method === "HEAD" ? undefined : payload);
  }

  /** A complete HTTP response whose JSON body is cut in half (Content-Length matches the half). */
  private sendTruncated(res: ServerResponse, response: ApiResponse): void {
    const full = Buffer.from(response.text ?? JSON.stringify(response.body ?? null));
    const half = full.subarray(0, Math.floor(full.length / 2));
    res.writeHead(response.status === 204 ? 200 : response.status, {
      ...response.headers,
      "Content-Type": JSON_TYPE,
      "Content-Length": half.length,
    });
    res.end(half);
  }

  private async handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    action: string,
  ): Promise<void> {
    const json = (status: number, body: unknown): void => this.send(res, method, { status, body });
    try {
      const route = `${method} ${action.replace(/\/$/, "")}`;
      switch (route) {
        case "POST reset":
          this.reset();
          json(200, { ok: true });
          return;
        case "GET state":
          json(200, this.state());
          return;
        case "POST fixture":
        case "PUT fixture": {
          const body = await readControlJson(req);
          this.loadFixture(body as Fixture);
          json(200, { ok: true });
          return;
        }
        case "GET faults":
          json(200, this.faults.current());
          return;
        case "PUT faults":
        case "POST faults": {
          const body = await readControlJson(req);
          this.setFaults(body as FaultConfig);
          json(200, this.faults.current());
          return;
        }
        case "GET requests":
          json(200, this.requests());
          return;
        case "DELETE requests":
          this.log.clear();
          res.writeHead(204);
          res.end();
          return;
        default:
          json(404, { error: "404 Not Found" });
      }
    } catch (err) {
      if (err instanceof FixtureError || err instanceof FaultConfigError || err instanceof SyntaxError)
        json(400, { error: err.message });
      else if (err instanceof BodyTooLargeError) json(413, { error: err.message });
      else json(500, { error: "internal error" });
    }
  }
}

async function readControlJson(req: IncomingMessage): Promise<unknown> {
  const buffer = await readBody(req, CONTROL_BODY_LIMIT);
  return JSON.parse(buffer.toString("utf8") || "null");
}

/** The client address, `X-Forwarded-For` aware as GitLab's is. */
function clientIp(req: IncomingMessage): string {
  const forwarded = req.headers["x-forwarded-for"];
  if (typeof forwarded === "string" && forwarded !== "") return forwarded.split(",")[0]?.trim() ?? "";
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
