/**
 * `read` (refresh): `GET /runners/:id` only. Never `POST /runners/verify`, which marks the runner
 * as contacted and can create a runner manager (DESIGN.md decision 6, reference §7.3).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GitLabClient, RunnerDetails } from "../gitlab";
import { isNotFound, ProviderError } from "../resource/errors";
import { buildOutputs, IDENTITY, impliedInputs, type RunnerOutputs } from "./outputs";

/**
 * How a runner read without a state (an import, `Runner.get`) came to exist, as far as GitLab
 * shows it: a group runner's group, a project runner's owner project (GitLab lists a runner's
 * projects in the order they were linked, owner first). The implied inputs then describe the
 * runner as a program would, so imported code previews without a replacement.
 */
function identityOf(details: RunnerDetails): Partial<RunnerOutputs> {
  if (details.runnerType === "group_type" && details.groups?.[0]) return { groupId: details.groups[0].id };
  if (details.runnerType === "project_type" && details.projects?.[0])
    return { projectId: details.projects[0].id };
  return {};
}

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
    const previous = props as Partial<RunnerOutputs>;
    const known = IDENTITY.some((name) => name !== "runnerType" && previous[name] !== undefined);
    const outs = buildOutputs(details, {
      previous: known ? previous : { ...previous, ...identityOf(details) },
    });
    return { id, props: { ...outs }, inputs: impliedInputs(outs) };
  } catch (err) {
    // Deleted out of band: no id tells the engine to drop it from state (pulumi-engine.md §3).
    if (isNotFound(err)) return {};
    throw err;
  }
}
