import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { PulumiWorkspace } from "../support/pulumi";

// The preview is a promise: what `pulumi preview` shows is what `up` does. A Runner with a
// dependent ProjectRunnerAssignment; every in-place change of the runner previews as one update
// and no replacement of the assignment, and `up` does exactly that.

const program = join(__dirname, "fixtures", "runner-program");

/** Each setting and control of the Runner, with the config value that changes it. */
const CHANGES: [string, string][] = [
  ["description", "changed"],
  ["paused", "true"],
  ["locked", "true"],
  ["runUntagged", "false"],
  ["tagList", '["docker","gpu"]'],
  ["accessLevel", "ref_protected"],
  ["maximumTimeout", "7200"],
  ["maintenanceNote", "changed"],
  ["tokenRotation", "2026-12"],
];

describe("plans that tell the truth (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  const set = (key: string, value: string) => ws.run(["config", "set", `runner:${key}`, value]);

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: {
        "gitlab:baseUrl": em.url,
        "runner:way": "create",
        "runner:runnerType": "project_type",
        "runner:projectId": "acme/api",
        "runner:description": "build",
        "runner:tagList": '["docker"]',
        "runner:assignTo": "acme/web",
      },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 3 created/);
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  // Each change is added to the ones before (one CLI run per field keeps the suite short).
  it.each(CHANGES)("a change of %s previews one update and no replacement", async (key, value) => {
    await set(key, value);
    const preview = await ws.preview();
    expect(preview.output).toMatch(/~ 1 to update/);
    expect(preview.output).not.toMatch(/to replace|\+-|-\+/);
    expect(preview.output).not.toMatch(/ProjectRunnerAssignment[^\n]*(replace|update)/);
  });

  it("up does what the preview showed: one update, nothing replaced, then no changes", async () => {
    const links = () => em.state().runners.map((r) => ({ id: r.id, projectIds: r.projectIds }));
    const before = links();
    const up = await ws.up();
    expect(up.output).toMatch(/~ 1 updated/);
    expect(up.output).not.toMatch(/replaced|created|deleted/);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
    // The same runners with the same project links: the assignment was never touched.
    expect(links()).toEqual(before);
  });
});

describe("drift shown as it is (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: {
        "gitlab:baseUrl": em.url,
        "runner:way": "create",
        "runner:runnerType": "project_type",
        "runner:projectId": "acme/api",
        "runner:description": "build",
        "runner:tagList": '["docker","gpu"]',
      },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
    await ws.up();
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("a hand-paused runner (paused not in the program) never previews as unpaused; a hand-changed tag shows as the set it is", async () => {
    const { runnerId } = await ws.outputs();
    const runner = em.state().runners.find((r) => r.id === runnerId);
    const token = FIXTURE_TOKENS.admin;
    const res = await fetch(`${em.url}/api/v4/runners/${String(runnerId)}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": token, "content-type": "application/json" },
      body: JSON.stringify({ paused: true, tag_list: ["docker", "x"] }),
    });
    expect(res.status).toBe(200);
    expect(runner).toBeDefined();
    await ws.refresh(["--diff"]);
    const preview = await ws.preview();
    expect(preview.output).toMatch(/~ 1 to update/);
    expect(preview.output).not.toMatch(/paused/);
    expect(preview.output).toMatch(/tagList adds "gpu", removes "x"/);
    await ws.up();
    const live = em.state().runners.find((r) => r.id === runnerId);
    expect(live?.active).toBe(false);
    expect(live?.tagList.sort()).toEqual(["docker", "gpu"]);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });
});
