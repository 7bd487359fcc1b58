import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// examples/legacy-registration with the real CLI and the package installed from `npm pack`: a
// runner registered with group acme's registration token on GitLab 13.12 (`active`, no
// `paused`), kept through the switch to `legacy:keepRunnerId` (adopted in place, no
// replacement); and on 17.11 the 410 that names runnerType as the way.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const program = join(repoRoot, "examples", "legacy-registration");

/** `tsc -p` on the workspace's copy of the example, with the consumer's TypeScript (async: the emulator serves from this process). */
async function typeCheck(programDir: string): Promise<string> {
  const tsc = join(inject("consumerNodeModules"), ".bin", "tsc");
  const { stdout, stderr } = await promisify(execFile)(tsc, ["-p", programDir], { cwd: programDir });
  return stdout + stderr;
}

describe("examples/legacy-registration on GitLab 13.12", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let before: number[];
  let runnerId: number;

  const created = () => em.state().runners.filter((r) => !before.includes(r.id));

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "13.12" });
    before = em.state().runners.map((r) => r.id);
    ws = await PulumiWorkspace.create({
      programDir: program,
      stack: "dev",
      config: { "gitlab:baseUrl": em.url },
      secretConfig: {
        "gitlab:token": FIXTURE_TOKENS.owner,
        "legacy:registrationToken": FIXTURE_REGISTRATION_TOKENS.group,
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("type-checks as a TypeScript project", async () => {
    expect(await typeCheck(ws.programDir)).toBe("");
  });

  it("previews one runner to register, registering nothing", async () => {
    const { output } = await ws.preview();
    expect(output).toMatch(/\+ 2 to create/);
    expect(output).not.toContain(FIXTURE_REGISTRATION_TOKENS.group);
    expect(created()).toHaveLength(0);
  });

  it("registers a group runner with the registration token", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/);
    const out = await ws.outputs();
    runnerId = out.runnerId as number;
    expect(out.runnerType).toBe("group_type");
    expect(out.authenticationToken).toBe("[secret]");
    const [runner, ...more] = created();
    expect(more).toHaveLength(0);
    expect(runner).toMatchObject({
      id: runnerId,
      runnerType: "group_type",
      groupId: FIXTURE_IDS.groups.acme,
      registrationType: "registration_token",
      description: "legacy-shell Shell runner on the build host",
      active: true,
      runUntagged: false,
      maximumTimeout: 1800,
    });
    expect([...(runner?.tagList ?? [])].sort()).toEqual(["legacy", "shell"]);
    const exported = await ws.exportStackText();
    expect(exported).not.toContain(FIXTURE_REGISTRATION_TOKENS.group);
    expect(exported).not.toContain(runner?.token);
  });

  it("previews no changes afterwards", async () => {
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("keeps the same runner when the program switches to keepRunnerId", async () => {
    await ws.run(["config", "rm", "legacy:registrationToken"]);
    await ws.run(["config", "set", "legacy:keepRunnerId", String(runnerId)]);
    const preview = await ws.preview();
    expect(preview.output).not.toMatch(/replace/);
    const { output } = await ws.up();
    expect(output).not.toMatch(/created|deleted|replaced/);
    expect((await ws.outputs()).runnerId).toBe(runnerId);
    expect(created().map((r) => r.id)).toEqual([runnerId]);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("destroys the runner", async () => {
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 2 deleted/);
    expect(created()).toHaveLength(0);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });
});

describe("examples/legacy-registration on GitLab 17.11 (registration tokens disabled)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      programDir: program,
      stack: "dev",
      config: { "gitlab:baseUrl": em.url },
      secretConfig: {
        "gitlab:token": FIXTURE_TOKENS.owner,
        "legacy:registrationToken": FIXTURE_REGISTRATION_TOKENS.group,
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("fails up with GitLab's 410 and says to use runnerType", async () => {
    const count = em.state().runners.length;
    const result = await ws.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/410 "runner registration disallowed"/);
    expect(result.output).toMatch(/Create the runner with runnerType instead/);
    expect(result.output).not.toContain(FIXTURE_REGISTRATION_TOKENS.group);
    expect(em.state().runners).toHaveLength(count);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });
});
