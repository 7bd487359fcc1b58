import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { closeSharedDispatchers, GitLabClient, loadClientConfig } from "../../provider/gitlab";
import { PulumiWorkspace } from "../support/pulumi";

// ProjectRunnerAssignment with the real `pulumi` CLI against the emulator, using the package
// installed from `npm pack` as users do: one runner fanned out to several projects by path and
// by id, drift from an out-of-band removal, the owner project adopted and kept on destroy with a
// warning, assignments destroyed before the runner, and a locked runner's error at `up`.

const ASSIGNMENT_TYPE = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
const program = join(__dirname, "fixtures", "assignment-fanout");
const { projects } = FIXTURE_IDS;

interface AssignmentOutput {
  id: string;
  projectId: number;
  projectPath: string;
  preExisting: boolean;
}

function adminClient(em: RunningEmulator): GitLabClient {
  return new GitLabClient(
    loadClientConfig({ config: { "gitlab:baseUrl": em.url, "gitlab:token": FIXTURE_TOKENS.admin } }),
  );
}

afterAll(async () => {
  await closeSharedDispatchers();
});

// 18.6: the owner project of a runner can never be unassigned, so the warning on destroy is
// deterministic (on older versions it depends on which sibling is removed last).
describe("one runner fanned out to several projects (GitLab 18.6)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let admin: GitLabClient;
  let runnerId: number;

  const liveProjects = () => em.state().runners.find((r) => r.id === runnerId)?.projectIds ?? [];
  const assignmentsInState = () => ws.resourcesOfType(ASSIGNMENT_TYPE);
  const outputs = async () => (await ws.outputs()).assignments as AssignmentOutput[];

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "18.6" });
    admin = adminClient(em);
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: { "gitlab:baseUrl": em.url, "fanout:projects": '["acme/web", 102]' },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("enables the runner on a project given by path and one given by id", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 4 created/); // stack, runner, two assignments
    runnerId = (await ws.outputs()).runnerId as number;
    expect(await outputs()).toEqual([
      {
        id: `${projects.web}:${runnerId}`,
        projectId: projects.web,
        projectPath: "acme/web",
        preExisting: false,
      },
      {
        id: `${projects.deploy}:${runnerId}`,
        projectId: projects.deploy,
        projectPath: "acme/platform/deploy",
        preExisting: false,
      },
    ]);
    expect((await ws.outputs()).isAssignment).toBe(true);
    expect([...liveProjects()].sort()).toEqual([projects.api, projects.web, projects.deploy]);

    const [first] = await assignmentsInState();
    expect(first?.type).toBe(ASSIGNMENT_TYPE);
    const provider = String(first?.outputs?.__provider ?? "");
    expect(provider).not.toContain(em.url);
    expect(provider).not.toContain(FIXTURE_TOKENS.admin);
    // docs/design.md decision 1: at most 1 KB. Needs the package export "./provider/assignment"
    // (dist/provider/assignment/shim.js); without it the delegating object is written out.
    expect(provider.length, `__provider is ${provider.length} bytes`).toBeLessThanOrEqual(1024);
  });

  it("previews no changes, also after switching each project between its path and its id", async () => {
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
    await ws.run(["config", "set", "fanout:projects", '[101, "ACME/platform/deploy"]']);
    const preview = await ws.preview(["--expect-no-changes"]);
    expect(preview.code).toBe(0);
    const { output } = await ws.up();
    expect(output).not.toMatch(/replaced|created|deleted/);
  });

  it("drops an assignment removed out of band on refresh, and up restores it", async () => {
    await admin.disableProjectRunner(projects.web, runnerId);
    await ws.refresh();
    const left = await assignmentsInState();
    expect(left.map((r) => r.id)).toEqual([`${projects.deploy}:${runnerId}`]);
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 1 created/);
    expect(liveProjects()).toContain(projects.web);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("adopts the runner's owner project", async () => {
    await ws.run(["config", "set", "fanout:projects", '[101, "acme/platform/deploy", "acme/api"]']);
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 1 created/);
    expect((await outputs())[2]).toEqual({
      id: `${projects.api}:${runnerId}`,
      projectId: projects.api,
      projectPath: "acme/api",
      preExisting: true,
    });
  });

  it("destroys the assignments before the runner, keeping the owner project with a warning", async () => {
    const before = em.requests().length;
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 5 deleted/);
    expect(output).toMatch(/warning: .*GitLab keeps runner \d+ enabled on project acme\/api \(id 100\)/);
    expect(output).toMatch(/owner project/);
    const deletes = em
      .requests()
      .slice(before)
      .filter((r) => r.method === "DELETE")
      .map((r) => r.route);
    const runnerDelete = deletes.indexOf("/api/v4/runners/:id");
    expect(runnerDelete).toBeGreaterThan(0);
    expect(deletes.slice(0, runnerDelete)).toEqual(Array(3).fill("/api/v4/projects/:id/runners/:runner_id"));
    expect(em.state().runners.find((r) => r.id === runnerId)).toBeUndefined();
    expect(await assignmentsInState()).toHaveLength(0);
  });
});

describe("a locked runner (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      // The fixture's runner 3 is a locked project runner of acme/api; a Maintainer (not an
      // administrator) may not hand it out.
      config: {
        "gitlab:baseUrl": em.url,
        "fanout:runnerId": String(FIXTURE_IDS.runners.project),
        "fanout:projects": '["acme/web"]',
      },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.maintainer },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("fails up with an error that says to unlock it", async () => {
    const result = await ws.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/runner 3 is locked to its current projects/);
    expect(result.output).toMatch(/locked: false/);
    expect(result.output).not.toContain(FIXTURE_TOKENS.maintainer);
    expect(await ws.resourcesOfType(ASSIGNMENT_TYPE)).toHaveLength(0);
    expect(em.state().runners.find((r) => r.id === FIXTURE_IDS.runners.project)?.projectIds).toEqual([
      projects.api,
    ]);
  });
});
