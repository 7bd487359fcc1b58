import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { PulumiWorkspace } from "../support/pulumi";

// What PULUMI_SKIP_CHECKPOINTS trades away (README "At scale"). By default the engine writes the
// stack's state after every step; with PULUMI_SKIP_CHECKPOINTS=true only once, when the command
// ends (pkg/backend/snapshot.go, unsafeServiceLoop). A `pulumi up` killed midway — SIGKILL, as
// an OOM kill, a lost CI machine or a job's hard timeout would — shows the difference: with
// checkpoints the state holds every runner created before the kill; without, it holds none of
// them. The next `up` then does not create them again: each carries its resource's creation
// mark (provider/runner/creation-mark.ts), so it is taken over instead.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const RUNNERS = 12;
/** Runners GitLab must hold before the kill. */
const KILL_AT = 4;
/** `pulumi up --parallel`: at most this many creations in flight when the kill lands. */
const PARALLEL = 2;

const PROGRAM = {
  "Pulumi.yaml": "name: crash\nruntime: nodejs\n",
  "package.json": JSON.stringify({ name: "crash", private: true, main: "index.js" }),
  "index.js": `const pulumi = require("@pulumi/pulumi");
const gitlab = require("pulumi-gitlab-runners");
const cfg = new pulumi.Config("crash");
const runners = [];
for (let i = 0; i < cfg.requireNumber("runners"); i++) {
  runners.push(new gitlab.Runner("r-" + i, {
    runnerType: "project_type",
    projectId: 100,
    description: cfg.require("prefix") + "-" + i,
    tagList: ["crash"],
    runUntagged: false,
  }));
}
// A runner in a project that does not exist, created after all the others: its creation fails.
if (cfg.getBoolean("bad")) {
  new gitlab.Runner(
    "bad",
    { runnerType: "project_type", projectId: 999999, description: "bad", tagList: ["crash"] },
    { dependsOn: runners },
  );
}
`,
};

describe.each([
  { mode: "checkpoints", env: {} },
  { mode: "skip", env: { PULUMI_SKIP_CHECKPOINTS: "true" } },
])("a pulumi up killed midway ($mode)", ({ mode, env }) => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  const prefix = `crash-${mode}`;
  const inGitLab = () => em.state().runners.filter((r) => (r.description ?? "").startsWith(`${prefix}-`));
  const inState = async () => (await ws.resourcesOfType(RUNNER_TYPE)).map((r) => Number(r.id));

  beforeAll(async () => {
    em = await startEmulator();
    // Slow creations, so that the kill lands while the fleet is half made.
    em.setFaults({
      rules: [{ kind: "latency", method: "POST", path: "^/api/v4/user/runners$", latencyMs: 400 }],
    });
    ws = await PulumiWorkspace.create({
      files: PROGRAM,
      stack: mode,
      config: { "gitlab:baseUrl": em.url, "crash:runners": String(RUNNERS), "crash:prefix": prefix },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("is killed once GitLab holds some of the runners", async () => {
    const kill = new AbortController();
    const up = ws.run(["up", "--yes", "--skip-preview", "--parallel", String(PARALLEL)], {
      allowFailure: true,
      env,
      kill: kill.signal,
    });
    const deadline = Date.now() + 240_000;
    while (inGitLab().length < KILL_AT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    kill.abort();
    const { code } = await up;
    expect(code).not.toBe(0);
    // Requests already at GitLab when the CLI died finish there.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(inGitLab().length).toBeGreaterThanOrEqual(KILL_AT);
    expect(inGitLab().length).toBeLessThan(RUNNERS);
  });

  if (mode === "checkpoints") {
    it("left a state that holds every runner created before the kill but those in flight", async () => {
      const state = await inState();
      const gitlab = inGitLab().map((r) => r.id);
      expect(gitlab).toEqual(expect.arrayContaining(state));
      expect(gitlab.length - state.length).toBeLessThanOrEqual(PARALLEL);
    });
  } else {
    it("left the state of its start: none of the runners GitLab holds", async () => {
      expect(await inState()).toEqual([]);
    });

    it("so the next up takes over the runners the killed run made, by their creation marks", async () => {
      // The killed CLI left its lock behind (in either mode).
      await ws.run(["cancel", "--yes"]);
      const made = inGitLab().map((r) => r.id);
      await ws.run(["up", "--yes", "--skip-preview", "--parallel", String(PARALLEL)], { env });
      expect(await inState()).toHaveLength(RUNNERS);
      expect(inGitLab()).toHaveLength(RUNNERS);
      expect(await inState()).toEqual(expect.arrayContaining(made));
    });

    it("while an up that ends on a failed operation still writes what it did", async () => {
      await ws.run(["config", "set", "crash:runners", String(RUNNERS + 2)]);
      await ws.run(["config", "set", "crash:bad", "true"]);
      const { code, output } = await ws.run(["up", "--yes", "--skip-preview"], { allowFailure: true, env });
      expect(code, output).not.toBe(0);
      expect(output).toMatch(/bad/);
      // The two new runners were created and recorded, although the command failed.
      expect(await inState()).toHaveLength(RUNNERS + 2);
    });
  }
});
