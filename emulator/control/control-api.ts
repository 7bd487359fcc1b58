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

/**
 * The control API under /-/emulator/ (docs/emulator.md "Control API"): JSON in and out, no
 * authentication, never faulted or logged. Bad input is a 400 `{"error": "..."}`.
 */
export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  action: string,
): Promise<void> {
  const json = (status: number, body: unknown): void => sendResponse(res, method, { status, body });
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
