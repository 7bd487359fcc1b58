import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultConfigError } from "../faults/faults";
import { BodyTooLargeError, readBody } from "../http/body";
import { sendResponse } from "../http/respond";
import { FixtureError } from "../state/store";
import type { EmulatorState, FaultConfig, InstanceSettings, RequestLogEntry } from "../types";

/** Fixtures can be large; the API's 1 MiB limit does not apply to the control API. */
const CONTROL_BODY_LIMIT = 64 * 1024 * 1024;

/** What the control API acts on (the emulator core). */
export interface ControlTarget {
  reset(): void;
  state(): EmulatorState;
  loadFixture(fixture: unknown): void;
  setFaults(config: FaultConfig): void;
  faultConfig(): FaultConfig;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  settings(): Required<InstanceSettings>;
  updateSettings(settings: unknown): Required<InstanceSettings>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const buffer = await readBody(req, CONTROL_BODY_LIMIT);
  return JSON.parse(buffer.toString("utf8") || "null");
}

/** Who may use the control API. */
export interface ControlGuard {
  /** When set, every control request must carry `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  /** Origins a browser may send control requests from (the emulator's own), e.g. `http://127.0.0.1:3000`. */
  ownOrigins(): ReadonlySet<string>;
}

/**
 * Why a control request is refused before it is read, or null. The control API can replace
 * the whole state, so a web page the developer happens to visit must not reach it: a request
 * from a foreign `Origin` is refused (403), and a POST, PUT or PATCH must say `application/json` (415),
 * which a cross-origin form or `text/plain` fetch cannot do without a CORS preflight, and the
 * emulator answers no preflight. A configured control token is checked last (401).
 */
export function refuseControl(
  req: IncomingMessage,
  method: string,
  guard: ControlGuard,
): { status: number; body: { error: string }; headers?: Record<string, string> } | null {
  const origin = req.headers.origin;
  if (origin !== undefined && !guard.ownOrigins().has(origin.toLowerCase()))
    return {
      status: 403,
      body: { error: `control requests from another origin are refused (Origin: ${origin})` },
    };
  if (method === "POST" || method === "PUT" || method === "PATCH") {
    const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json")
      return { status: 415, body: { error: "the control API accepts only Content-Type: application/json" } };
  }
  if (guard.controlToken !== undefined && !sameSecret(bearer(req), guard.controlToken))
    return {
      status: 401,
      body: { error: "control token required (Authorization: Bearer <token given with --control-token>)" },
      headers: { "WWW-Authenticate": 'Bearer realm="gitlab-runners-emulator control API"' },
    };
  return null;
}

function bearer(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  return match?.[1]?.trim() ?? null;
}

/** Constant-time comparison of two strings of any length (their digests are compared). */
function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const digest = (value: string): Buffer => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The control API under /-/emulator/ (docs/emulator.md "Control API"): JSON in and out, never
 * faulted or logged, guarded by {@link refuseControl}. Bad input is a 400 `{"error": "..."}`.
 */
export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  action: string,
  guard: ControlGuard,
): Promise<void> {
  const json = (status: number, body: unknown): void => sendResponse(res, method, { status, body });
  const refusal = refuseControl(req, method, guard);
  if (refusal !== null) {
    req.resume();
    sendResponse(res, method, refusal);
    return;
  }
  try {
    switch (`${method} ${action.replace(/\/$/, "")}`) {
      case "POST reset":
        target.reset();
        json(200, { ok: true });
        return;
      case "GET state":
        json(200, target.state());
        return;
      case "POST fixture":
      case "PUT fixture":
        target.loadFixture(await readJson(req));
        json(200, { ok: true });
        return;
      case "GET faults":
        json(200, target.faultConfig());
        return;
      case "PUT faults":
      case "POST faults":
        target.setFaults((await readJson(req)) as FaultConfig);
        json(200, target.faultConfig());
        return;
      case "GET settings":
        json(200, target.settings());
        return;
      case "PATCH settings":
        json(200, target.updateSettings(await readJson(req)));
        return;
      case "GET requests":
        json(200, target.requests());
        return;
      case "DELETE requests":
        target.clearRequests();
        sendResponse(res, method, { status: 204 });
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
