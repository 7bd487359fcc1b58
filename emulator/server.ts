import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { ApiResponse, RequestContext } from "./api/context";
import { buildRouter, type RouteSpec } from "./api/routes";
import { type ControlGuard, type ControlTarget, handleControl } from "./control/control-api";
import { RequestLog, redactedPath } from "./control/request-log";
import { answerFault } from "./faults/answer";
import { FaultEngine } from "./faults/faults";
import { authenticate, extractToken } from "./http/auth";
import { BodyTooLargeError, MAX_BODY_BYTES, parseBody, parseUrlEncoded, readBody } from "./http/body";
import { ApiError, routeNotFound } from "./http/errors";
import type { Params } from "./http/params";
import { sendResponse, sendTruncated } from "./http/respond";
import type { Router } from "./http/router";
import { Store } from "./state/store";
import type { EmulatorState, FaultConfig, Fixture, InstanceSettings, RequestLogEntry } from "./types";
import type { VersionFeatures } from "./version";

const CONTROL_PREFIX = "/-/emulator/";

export interface EmulatorCoreOptions {
  features: VersionFeatures;
  fixture: Fixture;
  seed: number;
  /** When set, the control API requires `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
}

/**
 * The emulated GitLab behind one HTTP server: state, faults, request log and dispatch.
 * Everything a request needs is in memory; no disk IO happens per request.
 */
export class EmulatorCore implements ControlTarget {
  readonly features: VersionFeatures;
  readonly store: Store;
  readonly faults: FaultEngine;
  readonly log = new RequestLog();
  readonly server: Server;
  private readonly router: Router<RouteSpec>;
  private readonly initialFixture: Fixture;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly controlGuard: ControlGuard;
  private stopped = false;

  constructor(options: EmulatorCoreOptions) {
    this.features = options.features;
    this.initialFixture = structuredClone(options.fixture);
    this.store = new Store(options.features, this.initialFixture);
    this.faults = new FaultEngine(options.seed);
    this.router = buildRouter(options.features);
    this.controlGuard = {
      ...(options.controlToken === undefined ? {} : { controlToken: options.controlToken }),
      ownOrigins: () => ownOrigins(this.server.address()),
    };
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

  /** Replaces the state; the fixture is parsed (and copied) by the store. */
  loadFixture(fixture: unknown): void {
    this.store.load(fixture);
  }

  settings(): Required<InstanceSettings> {
    return this.store.settings();
  }

  /** Changes instance settings; validated by the store (on error nothing changes). */
  updateSettings(settings: unknown): Required<InstanceSettings> {
    return this.store.updateSettings(settings);
  }

  setFaults(config: FaultConfig): void {
    this.faults.set(config);
  }

  faultConfig(): FaultConfig {
    return this.faults.current();
  }

  requests(): RequestLogEntry[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
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
    sendResponse(res, "GET", { status: 500, body: { message: "500 Internal Server Error" } });
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
      await handleControl(this, req, res, method, path.slice(CONTROL_PREFIX.length), this.controlGuard);
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
      sendResponse(res, method, { status: 429, text: "Retry later\n", headers: throttle.headers });
      finish(429, "rate_limit_window");
      return;
    }
    const decision = this.faults.decide(method, path);
    const faultLabel = decision.applied.length > 0 ? decision.applied.join(",") : undefined;
    if (decision.latencyMs > 0) await this.delay(decision.latencyMs);
    if (this.stopped) return;
    if (decision.terminal !== null) {
      answerFault(req, res, method, decision.terminal, now);
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
      sendTruncated(res, response);
      finish(response.status, faultLabel);
      return;
    }
    if (throttle !== null && Object.keys(throttle.headers).length > 0)
      response.headers = { ...throttle.headers, ...response.headers };
    sendResponse(res, method, response);
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
        features: this.features,
        now,
        method,
        path,
        rawQuery,
        params,
        pathParams: match.params,
        headers: req.headers,
        baseUrl: baseUrl(req),
        clientIp: clientIp(req),
        user: null,
      };
      // `authenticate!` runs in a `before` block, ahead of parameter validation (docs/gitlab-api.md §1.1).
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
}

/**
 * The origins of the emulator itself: its loopback names and the address it is bound to, on
 * its port. A browser page served from anywhere else is a foreign origin for the control API;
 * the Host header cannot stand in for this list, since a DNS-rebinding page sends its own.
 */
function ownOrigins(address: string | AddressInfo | null): ReadonlySet<string> {
  if (address === null || typeof address === "string") return new Set();
  const port = address.port;
  const hosts = ["127.0.0.1", "localhost", "[::1]"];
  if (address.address !== "0.0.0.0" && address.address !== "::")
    hosts.push(address.family === "IPv6" ? `[${address.address}]` : address.address);
  return new Set(hosts.flatMap((host) => [`http://${host}:${port}`, `https://${host}:${port}`]));
}

/**
 * Scheme and host the client used, for Link headers and web_url fields. GitLab uses its
 * configured external URL; behind a TLS front, X-Forwarded-Proto/-Host stand in for it.
 */
function baseUrl(req: IncomingMessage): string {
  const first = (value: string | string[] | undefined): string | undefined =>
    (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim() || undefined;
  const proto = first(req.headers["x-forwarded-proto"]) === "https" ? "https" : "http";
  const host = first(req.headers["x-forwarded-host"]) ?? req.headers.host ?? "localhost";
  return `${proto}://${host}`;
}

/** The client address, `X-Forwarded-For` aware as GitLab's is. */
function clientIp(req: IncomingMessage): string {
  const forwarded = req.headers["x-forwarded-for"];
  if (typeof forwarded === "string" && forwarded !== "") return forwarded.split(",")[0]?.trim() ?? "";
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
