/**
 * `read` (refresh): `GET /runners/:id` only. Never `POST /runners/verify`, which marks the runner
 * as contacted and can create a runner manager (DESIGN.md decision 6, reference §7.3).
 */
import type { RunnerApi } from "./api";
import { isNotFound } from "./errors";
import { buildOutputs, impliedInputs, type RunnerOutputs } from "./outputs";

export interface ReadResult {
  id?: string;
  props?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

/** `read` for the Runner resource: live outputs plus the inputs they imply; no id when gone. */
export async function readRunner(
  api: RunnerApi,
  id: string,
  props: Record<string, unknown> = {},
): Promise<ReadResult> {
  const runnerId = Number(id);
  if (!Number.isSafeInteger(runnerId) || runnerId <= 0)
    throw new Error(`Runner id "${id}" is not a GitLab runner id`);
  try {
    const details = await api.getRunner(runnerId);
    const outs = buildOutputs(details, { previous: props as Partial<RunnerOutputs> });
    return { id, props: { ...outs }, inputs: impliedInputs(outs) };
  } catch (err) {
    // Deleted out of band: no id tells the engine to drop it from state (pulumi-engine.md §3).
    if (isNotFound(err)) return {};
    throw err;
  }
}
