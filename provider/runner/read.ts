/**
 * `read` (refresh): `GET /runners/:id` only. Never `POST /runners/verify`, which marks the runner
 * as contacted and can create a runner manager (DESIGN.md decision 6, reference §7.3).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GitLabClient } from "../gitlab";
import { isNotFound, ProviderError } from "../resource/errors";
import { buildOutputs, impliedInputs, type RunnerOutputs } from "./outputs";

/** `read` for the Runner resource: live outputs plus the inputs they imply; no id when gone. */
export async function readRunner(
  api: Pick<GitLabClient, "getRunner">,
  id: string,
  props: Record<string, unknown> = {},
): Promise<pulumi.dynamic.ReadResult> {
  const runnerId = Number(id);
  if (!Number.isSafeInteger(runnerId) || runnerId <= 0)
    throw new ProviderError(`Runner id "${id}" is not a GitLab runner id`, { code: "invalid_input" });
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
