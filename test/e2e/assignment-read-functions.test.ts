import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { closeSharedDispatchers, GitLabClient, loadClientConfig } from "../../provider/gitlab";
import { PulumiWorkspace } from "../support/pulumi";

// The read functions used in a real Pulumi program (installed from `npm pack`): adopt every
// runner that listRunners returns with a tag, enable them on a project, and export what the
// other functions read; the results must be what the emulator holds.

const program = join(__dirname, "fixtures", "assignment-read-functions");
const { runners, projects } = FIXTURE_IDS;

describe("read functions in a program (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let tagged: number[];

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    const admin = new GitLabClient(
      loadClientConfig({ config: { "gitlab:baseUrl": em.url, "gitlab:token": FIXTURE_TOKENS.admin } }),
    );
    tagged = [];
    for (const description of ["legacy-a", "legacy-b"]) {
      const created = await admin.createUserRunner({
        runnerType: "project_type",
        projectId: projects.deploy,
        description,
        tagList: ["adopt-me", "linux"],
      });
      tagged.push(created.id);
    }
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: { "read:project": "acme/web" },
      // The functions run in the program process: here they read the environment.
      env: { GITLAB_BASE_URL: em.url, GITLAB_TOKEN: FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
    await closeSharedDispatchers();
  });

  it("adopts every tagged runner and enables it on the project", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 5 created/); // stack, two runners, two assignments
    const out = await ws.outputs();
    expect(out.taggedIds).toEqual(tagged);
    expect(out.adoptedIds).toEqual(tagged);
    for (const id of tagged) {
      expect(em.state().runners.find((r) => r.id === id)?.projectIds).toEqual([
        projects.deploy,
        projects.web,
      ]);
    }
  });

  it("returns what the emulator holds", async () => {
    const out = await ws.outputs();
    const state = em.state();
    expect(out.groupRunnerIds).toEqual(
      state.runners.filter((r) => r.runnerType === "group_type").map((r) => r.id),
    );
    expect(out.projectRunnerIds).toEqual([runners.instance, runners.group, runners.project]);
    const instance = state.runners.find((r) => r.id === runners.instance);
    expect(out.instanceRunner).toEqual({ description: instance?.description, tagList: instance?.tagList });
    expect(out.runningJobs).toEqual(
      state.jobs.filter((j) => j.runnerId === runners.instance && j.status === "running").map((j) => j.id),
    );
    expect(out.managers).toEqual(instance?.managers.map((m) => m.systemId));
    expect(JSON.stringify(out)).not.toContain(FIXTURE_TOKENS.admin);
  });

  it("sees no changes on a second preview", async () => {
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("destroys", async () => {
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 5 deleted/);
    for (const id of tagged) expect(em.state().runners.find((r) => r.id === id)).toBeUndefined();
  });
});
