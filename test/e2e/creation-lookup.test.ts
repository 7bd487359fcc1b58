import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";

// When a creation looks in GitLab first (provider/stack-state.ts): only for a resource the
// stack's state records an unfinished creation of — what a killed `pulumi up` leaves — or for
// every creation after a failed up, or when PULUMI_SKIP_CHECKPOINTS is set (a killed run then
// leaves no record).
// Otherwise a runner's creation is its POST and the read of its details: 2 requests.
// Both front doors: the dynamic resources from a JavaScript program, the plugin from YAML.

const LISTING = "GET /api/v4/projects/:id/runners";

interface FrontDoor {
  name: string;
  runnerType: string;
  namespace: string;
  env: Record<string, string>;
  /** The program's files for `runners` runners. */
  files(runners: number): Record<string, string>;
}

const dynamic: FrontDoor = {
  name: "dynamic",
  runnerType: "pulumi-nodejs:dynamic/gitlab:Runner",
  namespace: "gitlab",
  env: {},
  files: (runners) => ({
    "Pulumi.yaml": "name: lookup\nruntime: nodejs\n",
    "package.json": JSON.stringify({ name: "lookup", private: true, main: "index.js" }),
    "index.js": `const gitlab = require("pulumi-gitlab-runners");
for (let i = 0; i < ${runners}; i++) {
  new gitlab.Runner("r-" + i, {
    runnerType: "project_type",
    projectId: i % 2 === 0 ? 100 : 101,
    description: "lookup-" + i,
    tagList: ["lookup"],
    runUntagged: false,
  });
}
`,
  }),
};

const plugin: FrontDoor = {
  name: "plugin",
  runnerType: "gitlab-runners:index:Runner",
  namespace: "gitlab-runners",
  env: { PATH: pluginPath() },
  files: (runners) => ({
    "Pulumi.yaml": `name: lookup-plugin\nruntime: yaml\nresources:\n${Array.from(
      { length: runners },
      (_, i) => `  r-${i}:
    type: gitlab-runners:index:Runner
    properties:
      runnerType: project_type
      projectId: ${i % 2 === 0 ? 100 : 101}
      description: lookup-${i}
      tagList: [lookup]
      runUntagged: false
`,
    ).join("")}`,
  }),
};

describe.each([dynamic, plugin])("looking in GitLab before creating a runner ($name)", (door) => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  const inGitLab = () => em.state().runners.filter((r) => (r.description ?? "").startsWith("lookup-"));
  const inState = async () => (await ws.resourcesOfType(door.runnerType)).map((r) => Number(r.id));
  /** The routes of the requests GitLab received since `from` (an index in its log). */
  const routesSince = (from: number) =>
    em
      .requests()
      .slice(from)
      .map((r) => `${r.method} ${r.route}`);
  const count = (routes: string[], route: string) => routes.filter((r) => r === route).length;
  const program = async (runners: number) => {
    for (const [name, text] of Object.entries(door.files(runners)))
      await writeFile(join(ws.programDir, name), text);
  };
  const up = (env: Record<string, string> = {}, extra: { allowFailure?: boolean; kill?: AbortSignal } = {}) =>
    ws.run(["up", "--yes", "--skip-preview", "--parallel", "2"], { env, ...extra });

  beforeAll(async () => {
    em = await startEmulator();
    ws = await PulumiWorkspace.create({
      files: door.files(4),
      stack: "lookup",
      config: { [`${door.namespace}:baseUrl`]: em.url },
      secretConfig: { [`${door.namespace}:token`]: FIXTURE_TOKENS.admin },
      env: door.env,
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("does not look when nothing was interrupted: 2 requests per runner", async () => {
    const from = em.requests().length;
    await up();
    const routes = routesSince(from);
    expect(count(routes, LISTING), routes.join("\n")).toBe(0);
    expect(count(routes, "POST /api/v4/user/runners")).toBe(4);
    expect(count(routes, "GET /api/v4/runners/:id")).toBe(4);
    expect(inGitLab()).toHaveLength(4);
  });

  it("looks for the runners a killed up began, and takes them over", async () => {
    // Slow creations and slower reads after them, so that the kill lands while GitLab holds
    // runners whose creation the state has not recorded.
    em.setFaults({
      rules: [
        { kind: "latency", method: "POST", path: "^/api/v4/user/runners$", latencyMs: 400 },
        { kind: "latency", method: "GET", path: "^/api/v4/runners/\\d+$", latencyMs: 1500 },
      ],
    });
    await program(10);
    const kill = new AbortController();
    const killed = up({}, { allowFailure: true, kill: kill.signal });
    const deadline = Date.now() + 240_000;
    while (inGitLab().length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    kill.abort();
    expect((await killed).code).not.toBe(0);
    await new Promise((r) => setTimeout(r, 1_000));
    em.setFaults({ rules: [] });
    await ws.run(["cancel", "--yes"], { allowFailure: true });
    const pending = (await ws.exportStack()).deployment.pending_operations ?? [];
    expect(pending.length, "pending creations after the kill").toBeGreaterThan(0);
    const held = inGitLab().length;
    expect(held - (await inState()).length, "runners the stack does not know after the kill").toBeGreaterThan(
      0,
    );

    const from = em.requests().length;
    const { output } = await up();
    const routes = routesSince(from);
    // Only the projects a pending creation names are listed, once each: never per runner.
    expect(count(routes, LISTING)).toBeGreaterThan(0);
    expect(count(routes, LISTING)).toBeLessThanOrEqual(2);
    expect(output).toMatch(/records an earlier, unfinished creation of this resource/);
    // Every runner the killed run made is in the stack now; none was made twice.
    expect(inGitLab()).toHaveLength(10);
    expect((await inState()).sort()).toEqual(
      inGitLab()
        .map((r) => r.id)
        .sort(),
    );
    // Only the runners GitLab did not hold yet were posted: the others were taken over.
    expect(count(routes, "POST /api/v4/user/runners")).toBe(10 - held);
  });

  it("looks before every creation when PULUMI_SKIP_CHECKPOINTS is set", async () => {
    await program(12);
    const from = em.requests().length;
    const { output } = await up({ PULUMI_SKIP_CHECKPOINTS: "true" });
    const routes = routesSince(from);
    expect(count(routes, LISTING)).toBeGreaterThan(0);
    expect(output).toMatch(/PULUMI_SKIP_CHECKPOINTS is set/);
    expect(inGitLab()).toHaveLength(12);
  });

  it("looks before every creation in the up after a failed one", async () => {
    // GitLab fails both creations, twice each (a POST is not retried on a 5xx; after finding no
    // runner it is sent once more): the up fails, and its history entry says so.
    em.setFaults({
      rules: [{ kind: "status", status: 500, method: "POST", path: "^/api/v4/user/runners$", count: 4 }],
    });
    await program(14);
    expect((await up({}, { allowFailure: true })).code).not.toBe(0);
    em.setFaults({ rules: [] });
    const from = em.requests().length;
    const { output } = await up();
    expect(count(routesSince(from), LISTING)).toBeGreaterThan(0);
    expect(output).toMatch(/last pulumi up failed/);
    expect(inGitLab()).toHaveLength(14);
    expect((await inState()).sort()).toEqual(
      inGitLab()
        .map((r) => r.id)
        .sort(),
    );
  });
});
