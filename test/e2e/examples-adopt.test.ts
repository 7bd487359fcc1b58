import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// examples/adopt with the real CLI and the package installed from `npm pack`: the fixture's
// runners tagged "docker" (instance runner 1, group runner 2) are found with listRunners and
// adopted with adoptRunnerId: managed, not duplicated, their tokens untouched. A runner tagged
// later is adopted at the next up. What destroy does follows the Runner resource: it deletes
// adopted runners; with `adopt:keepOnDestroy` (Pulumi's retainOnDelete) they stay in GitLab.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const program = join(repoRoot, "examples", "adopt");
const { runners } = FIXTURE_IDS;

/** `tsc -p` on the workspace's copy of the example, with the consumer's TypeScript (async: the emulator serves from this process). */
async function typeCheck(programDir: string): Promise<string> {
  const tsc = join(inject("consumerNodeModules"), ".bin", "tsc");
  const { stdout, stderr } = await promisify(execFile)(tsc, ["-p", programDir], { cwd: programDir });
  return stdout + stderr;
}

describe("examples/adopt: take over the runners tagged docker (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  const runner = (id: number) => em.state().runners.find((r) => r.id === id);
  const ids = () => em.state().runners.map((r) => r.id);

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      stack: "dev",
      config: { "gitlab:baseUrl": em.url, "adopt:tag": "docker", "adopt:keepOnDestroy": "true" },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("type-checks as a TypeScript project", async () => {
    expect(await typeCheck(ws.programDir)).toBe("");
  });

  it("previews the two tagged runners to adopt, changing nothing in GitLab", async () => {
    const { output } = await ws.preview();
    expect(output).toMatch(/\+ 3 to create/); // the stack and two adopted runners
    expect(output).toContain(`::${RUNNER_TYPE}::runner-${runners.instance}]`);
    expect(output).toContain(`::${RUNNER_TYPE}::runner-${runners.group}]`);
    expect(runner(runners.instance)?.runUntagged).toBe(true);
  });

  it("adopts them: managed, not duplicated, tokens untouched", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 3 created/);
    expect(ids()).toEqual([runners.instance, runners.group, runners.project]);
    const out = await ws.outputs();
    expect(out.foundIds).toEqual([runners.instance, runners.group]);
    expect(out.adopted).toEqual([
      {
        id: runners.instance,
        description: "shared-autoscaler",
        tagList: ["docker", "linux", "shared"],
        maximumTimeout: 3600,
        runUntagged: false,
      },
      {
        id: runners.group,
        description: "acme-docker",
        tagList: ["docker", "linux"],
        maximumTimeout: 3600,
        runUntagged: false,
      },
    ]);
    expect(runner(runners.instance)).toMatchObject({
      runUntagged: false,
      maximumTimeout: 3600,
      token: FIXTURE_RUNNER_TOKENS.instance,
    });
    expect(runner(runners.group)).toMatchObject({
      runUntagged: false,
      maximumTimeout: 3600,
      token: FIXTURE_RUNNER_TOKENS.group,
    });
    const state = await ws.resourcesOfType(RUNNER_TYPE);
    // In the state in the order they were created (in parallel), so sorted.
    expect(state.map((r) => r.id).sort()).toEqual([String(runners.instance), String(runners.group)]);
  });

  it("previews no changes afterwards", async () => {
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("adopts a runner tagged later at the next up", async () => {
    const res = await fetch(`${em.url}/api/v4/runners/${runners.project}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "content-type": "application/json" },
      body: JSON.stringify({ tag_list: ["api", "linux", "docker"] }),
    });
    expect(res.status).toBe(200);
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 1 created/);
    expect(output).not.toMatch(/deleted|replaced/);
    expect(ids()).toEqual([runners.instance, runners.group, runners.project]);
    expect(runner(runners.project)).toMatchObject({ runUntagged: false, maximumTimeout: 3600 });
  });

  it("with keepOnDestroy, destroy lets go of the runners and they stay in GitLab", async () => {
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 4 deleted/);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
    expect(ids()).toEqual([runners.instance, runners.group, runners.project]);
    expect(runner(runners.group)).toMatchObject({ runUntagged: false, maximumTimeout: 3600 });
  });

  it("by default, destroy deletes the adopted runners, as for any Runner", async () => {
    await ws.run(["config", "rm", "adopt:keepOnDestroy"]);
    expect((await ws.up()).output).toMatch(/\+ 4 created/);
    expect(ids()).toEqual([runners.instance, runners.group, runners.project]);
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 4 deleted/);
    expect(ids()).toEqual([]);
  });
});
