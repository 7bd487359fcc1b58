import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// examples/basic with the real CLI and the package installed from `npm pack`, as a user runs
// it: one group runner created with the user's token (POST /user/runners).

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const program = join(repoRoot, "examples", "basic");

/** `tsc -p` on the workspace's copy of the example, with the consumer's TypeScript (async: the emulator serves from this process). */
async function typeCheck(programDir: string): Promise<string> {
  const tsc = join(inject("consumerNodeModules"), ".bin", "tsc");
  const { stdout, stderr } = await promisify(execFile)(tsc, ["-p", programDir], { cwd: programDir });
  return stdout + stderr;
}

describe("examples/basic: one group runner (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let before: number[];

  const created = () => em.state().runners.filter((r) => !before.includes(r.id));

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    before = em.state().runners.map((r) => r.id);
    ws = await PulumiWorkspace.create({
      programDir: program,
      stack: "dev",
      config: { "gitlab:baseUrl": em.url, "basic:group": "acme" },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.owner },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("type-checks as a TypeScript project", async () => {
    expect(await typeCheck(ws.programDir)).toBe("");
  });

  it("previews one runner to create, and creates nothing in GitLab", async () => {
    const { output } = await ws.preview();
    expect(output).toContain(`+ ${RUNNER_TYPE}: (create)`);
    expect(output).toMatch(/\+ 2 to create/); // the stack and the runner
    expect(created()).toHaveLength(0);
  });

  it("creates the group runner with the program's settings", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/);
    const out = await ws.outputs();
    expect(out.authenticationToken).toBe("[secret]");
    expect(out.status).toBe("never_contacted");
    expect(out.tags).toEqual(["docker", "linux"]);

    const [runner, ...more] = created();
    expect(more).toHaveLength(0);
    expect(runner).toMatchObject({
      id: out.runnerId,
      runnerType: "group_type",
      groupId: FIXTURE_IDS.groups.acme,
      description: "docker-builds Linux Docker builds",
      runUntagged: false,
      maximumTimeout: 3600,
      registrationType: "authenticated_user",
    });
    expect([...(runner?.tagList ?? [])].sort()).toEqual(["docker", "linux"]);
    // The runner's token and the GitLab token are in the state only encrypted.
    const exported = await ws.exportStackText();
    expect(exported).not.toContain(runner?.token);
    expect(exported).not.toContain(FIXTURE_TOKENS.owner);
  });

  it("previews no changes afterwards", async () => {
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("destroys the runner", async () => {
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 2 deleted/);
    expect(created()).toHaveLength(0);
    expect(em.state().runners.map((r) => r.id)).toEqual(before);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });
});
