import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// examples/fleet with the real CLI and the package installed from `npm pack`: runner pools from
// the stack config `fleet:pools`, each runner fanned out to projects. GitLab must end up with
// exactly the runners and assignments the config asks for, after a change of config too.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const ASSIGNMENT_TYPE = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";
const program = join(repoRoot, "examples", "fleet");
const { projects } = FIXTURE_IDS;
const projectIds: Record<string, number> = {
  "acme/api": projects.api,
  "acme/web": projects.web,
  "acme/platform/deploy": projects.deploy,
};

interface Pool {
  name: string;
  tags: string[];
  count: number;
  owner: string;
  projects: string[];
  accessLevel?: "ref_protected";
}

const FIRST: Pool[] = [
  { name: "docker", tags: ["docker", "linux"], count: 2, owner: "acme/api", projects: ["acme/web"] },
  {
    name: "deploy",
    tags: ["deploy"],
    count: 1,
    owner: "acme/platform/deploy",
    projects: ["acme/api", "acme/web"],
    accessLevel: "ref_protected",
  },
];
// One docker runner fewer, fanned out differently; the deploy pool loses a project.
const SECOND: Pool[] = [
  { ...FIRST[0]!, count: 1, projects: ["acme/web", "acme/platform/deploy"] },
  { ...FIRST[1]!, projects: ["acme/web"] },
];

/** `tsc -p` on the workspace's copy of the example, with the consumer's TypeScript (async: the emulator serves from this process). */
async function typeCheck(programDir: string): Promise<string> {
  const tsc = join(inject("consumerNodeModules"), ".bin", "tsc");
  const { stdout, stderr } = await promisify(execFile)(tsc, ["-p", programDir], { cwd: programDir });
  return stdout + stderr;
}

describe("examples/fleet: runner pools fanned out to projects (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  const fleetRunners = () => em.state().runners.filter((r) => (r.description ?? "").startsWith("fleet-"));

  /** GitLab holds exactly the pools' runners, each on its owner and the pool's projects. */
  function expectGitLabToMatch(pools: Pool[]): void {
    const expected = pools.flatMap((pool) =>
      Array.from({ length: pool.count }, (_, i) => ({
        description: `fleet-${pool.name}-${i} ${pool.tags.join(", ")}`,
        runnerType: "project_type",
        tagList: [...pool.tags].sort(),
        locked: true,
        runUntagged: false,
        accessLevel: pool.accessLevel ?? "not_protected",
        maximumTimeout: 3600,
        projectIds: [pool.owner, ...pool.projects].map((p) => projectIds[p]).sort(),
      })),
    );
    const actual = fleetRunners().map((r) => ({
      description: r.description,
      runnerType: r.runnerType,
      tagList: [...r.tagList].sort(),
      locked: r.locked,
      runUntagged: r.runUntagged,
      accessLevel: r.accessLevel,
      maximumTimeout: r.maximumTimeout,
      projectIds: [...r.projectIds].sort(),
    }));
    const byDescription = (a: { description: string | null }, b: { description: string | null }) =>
      String(a.description).localeCompare(String(b.description));
    expect(actual.sort(byDescription)).toEqual(expected.sort(byDescription));
  }

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      stack: "dev",
      config: { "gitlab:baseUrl": em.url, "fleet:pools": JSON.stringify(FIRST) },
      // Enabling a locked runner on more projects takes an administrator.
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

  it("previews 3 runners and 4 assignments", async () => {
    const { output } = await ws.preview();
    expect(output).toMatch(/\+ 8 to create/); // the stack, 3 runners, 4 assignments
    expect(fleetRunners()).toHaveLength(0);
  });

  it("creates exactly the runners and assignments of the config", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 8 created/);
    expectGitLabToMatch(FIRST);
    const out = await ws.outputs();
    expect(out.runnerCount).toBe(3);
    expect(out.assignmentCount).toBe(4);
    expect(out.tokens).toBe("[secret]");
    expect((out.runnerIds as Record<string, number[]>).docker).toHaveLength(2);
    expect(await ws.resourcesOfType(ASSIGNMENT_TYPE)).toHaveLength(4);
  });

  it("previews no changes afterwards", async () => {
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("follows a change of config: a runner fewer, assignments moved", async () => {
    await ws.run(["config", "set", "fleet:pools", JSON.stringify(SECOND)]);
    const { output } = await ws.up();
    // docker-1 and its assignment go, docker-0 moves from nothing to acme/platform/deploy,
    // deploy-0 leaves acme/api.
    expect(output).toMatch(/\+ 1 created/);
    expect(output).toMatch(/- 3 deleted/);
    expect(output).not.toMatch(/replaced/);
    expectGitLabToMatch(SECOND);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(2);
    expect(await ws.resourcesOfType(ASSIGNMENT_TYPE)).toHaveLength(3);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("destroys the fleet and leaves the other runners alone", async () => {
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 6 deleted/);
    expect(fleetRunners()).toHaveLength(0);
    expect(em.state().runners.map((r) => [r.id, r.projectIds])).toEqual([
      [FIXTURE_IDS.runners.instance, []],
      [FIXTURE_IDS.runners.group, []],
      [FIXTURE_IDS.runners.project, [projects.api]],
    ]);
  });
});

describe("examples/fleet with fleet:form projects: each runner's projects in its assignedProjects (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  const fleetRunners = () => em.state().runners.filter((r) => (r.description ?? "").startsWith("fleet-"));
  const projectsOf = () =>
    Object.fromEntries(fleetRunners().map((r) => [r.description, [...r.projectIds].sort()]));
  const expected = (pools: Pool[]) =>
    Object.fromEntries(
      pools.flatMap((pool) =>
        Array.from({ length: pool.count }, (_, i) => [
          `fleet-${pool.name}-${i} ${pool.tags.join(", ")}`,
          [pool.owner, ...pool.projects].map((p) => projectIds[p]).sort(),
        ]),
      ),
    );

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      stack: "dev",
      config: { "gitlab:baseUrl": em.url, "fleet:pools": JSON.stringify(FIRST), "fleet:form": "projects" },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("previews and creates 3 runners, no assignment resources, each on exactly its projects", async () => {
    expect((await ws.preview()).output).toMatch(/\+ 4 to create/); // the stack and 3 runners
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 4 created/);
    expect(projectsOf()).toEqual(expected(FIRST));
    const out = await ws.outputs();
    expect(out.assignmentCount).toBe(0);
    expect(out.linkCount).toBe(4);
    expect(await ws.resourcesOfType(ASSIGNMENT_TYPE)).toHaveLength(0);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("refresh reads each runner and its projects with one GET, and shows a link removed by hand", async () => {
    const deploy = fleetRunners().find((r) => r.description?.startsWith("fleet-deploy-0"));
    expect(deploy).toBeDefined();
    await fetch(`${em.url}/api/v4/projects/${projects.web}/runners/${deploy?.id}`, {
      method: "DELETE",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin },
    });
    const start = em.requests().length;
    await ws.refresh();
    const sent = em
      .requests()
      .slice(start)
      .filter((r) => r.route !== "/api/v4/version");
    // One read per runner, its projects included.
    expect(sent.filter((r) => r.route === "/api/v4/runners/:id").map((r) => r.method)).toEqual([
      "GET",
      "GET",
      "GET",
    ]);
    // After each read the engine asks the provider's Diff what an `up` would change (refresh's
    // diff against the program); the one path the hand edit left out of the refreshed state,
    // acme/web, is looked up there, once. Nothing else is sent.
    const others = sent.filter((r) => r.route !== "/api/v4/runners/:id").map((r) => `${r.method} ${r.path}`);
    expect(others).toEqual([expect.stringMatching(/^GET \/api\/v4\/projects\/acme%2Fweb(\?|$)/i)]);
    const { output } = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(output).toMatch(/assignedProjects adds "acme\/web"/);
    await ws.up();
    expect(projectsOf()).toEqual(expected(FIRST));
  });

  it("follows a change of config in place: projects added and removed, a runner fewer", async () => {
    await ws.run(["config", "set", "fleet:pools", JSON.stringify(SECOND)]);
    const { output } = await ws.up();
    expect(output).toMatch(/~ 2 updated/);
    expect(output).toMatch(/- 1 deleted/);
    expect(output).not.toMatch(/replaced/);
    expect(projectsOf()).toEqual(expected(SECOND));
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("destroys the fleet and leaves the other runners alone", async () => {
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 3 deleted/);
    expect(fleetRunners()).toHaveLength(0);
    expect(em.state().runners.map((r) => [r.id, r.projectIds])).toEqual([
      [FIXTURE_IDS.runners.instance, []],
      [FIXTURE_IDS.runners.group, []],
      [FIXTURE_IDS.runners.project, [projects.api]],
    ]);
  });
});

describe("examples/fleet moving from fleet:form assignments to projects on one stack (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      stack: "dev",
      config: { "gitlab:baseUrl": em.url, "fleet:pools": JSON.stringify(FIRST) },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("drops the assignment resources, and no link is removed from GitLab at any moment", async () => {
    await ws.up();
    expect(await ws.resourcesOfType(ASSIGNMENT_TYPE)).toHaveLength(4);
    const before = em.state().runners.map((r) => [r.id, [...r.projectIds].sort()]);
    await ws.run(["config", "set", "fleet:form", "projects"]);
    const start = em.requests().length;
    const { output } = await ws.up();
    expect(output).toMatch(/- 4 deleted/);
    expect(output).toMatch(/assignedProjects, which now manages the link/);
    expect(
      em
        .requests()
        .slice(start)
        .filter((r) => r.method === "DELETE"),
    ).toEqual([]);
    expect(em.state().runners.map((r) => [r.id, [...r.projectIds].sort()])).toEqual(before);
    expect(await ws.resourcesOfType(ASSIGNMENT_TYPE)).toHaveLength(0);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
    await ws.destroy();
  });
});
