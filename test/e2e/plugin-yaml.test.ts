import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";
import { readmeBlock } from "../support/readme";

// The provider plugin (`pulumi-resource-gitlab-runners`, package `gitlab-runners`) driven by a
// Pulumi YAML program through the real CLI and the YAML language host that scripts/engine builds:
// preview, create, no-change preview, a hand edit seen by refresh and restored by up, an invoke,
// `pulumi import` (which writes YAML code that then previews with no change), destroy. The
// plugin is the one installed from the packed package (its `bin` entry), found on PATH.

const RUNNER = "gitlab-runners:index:Runner";
const ASSIGNMENT = "gitlab-runners:index:ProjectRunnerAssignment";

const program = `name: plugin-yaml
runtime: yaml
resources:
  build:
    type: ${RUNNER}
    properties:
      runnerType: group_type
      groupId: acme
      description: built from yaml
      tagList: [linux, docker]
      locked: true
  proj:
    type: ${RUNNER}
    properties:
      runnerType: project_type
      projectId: acme/api
      description: project runner
  web:
    type: ${ASSIGNMENT}
    properties:
      project: acme/web
      runnerId: \${proj.runnerId}
variables:
  dockerRunners:
    fn::invoke:
      function: gitlab-runners:index:listRunners
      arguments:
        scope: all
        tagList: [docker]
      return: runners
outputs:
  runnerId: \${build.runnerId}
  token: \${build.authenticationToken}
  status: \${build.status}
  assignment: \${web.id}
  dockerRunners: \${dockerRunners}
`;

describe("the plugin from a Pulumi YAML program (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  const live = (id: number) => em.state().runners.find((r) => r.id === id);

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": program },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: { PATH: pluginPath() },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  let runnerId: number;

  it("previews the creation with the program's values and the computed ones unknown", async () => {
    const { output } = await ws.preview();
    expect(output).toMatch(/\+ gitlab-runners:index:Runner: \(create\)/);
    expect(output).toMatch(/description: "built from yaml"/);
    expect(output).toMatch(/\+ 4 to create/);
    expect(em.state().runners.map((r) => r.id)).toEqual([
      FIXTURE_IDS.runners.instance,
      FIXTURE_IDS.runners.group,
      FIXTURE_IDS.runners.project,
    ]);
  });

  it("creates the runners and the assignment; the token is a secret in state", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 4 created/);
    const outputs = await ws.outputs();
    runnerId = outputs.runnerId as number;
    expect(outputs.token).toBe("[secret]");
    expect(outputs.status).toBe("never_contacted");
    const runner = live(runnerId);
    expect(runner?.runnerType).toBe("group_type");
    expect(runner?.groupId).toBe(FIXTURE_IDS.groups.acme);
    expect([...(runner?.tagList ?? [])].sort()).toEqual(["docker", "linux"]);
    expect(runner?.locked).toBe(true);
    // The invoke ran with the provider's configuration (it needs the token), before any resource
    // existed: it lists the fixture's docker runners.
    expect((outputs.dockerRunners as { id: number }[]).map((r) => r.id)).toEqual([
      FIXTURE_IDS.runners.instance,
      FIXTURE_IDS.runners.group,
    ]);
    expect(outputs.assignment).toMatch(new RegExp(`^${FIXTURE_IDS.projects.web}:\\d+$`));

    const state = await ws.exportStackText();
    expect(state).not.toContain(runner?.token);
    const [resource] = await ws.resourcesOfType(RUNNER);
    expect(resource?.outputs?.authenticationToken).toHaveProperty("ciphertext");
  });

  it("previews no change right after", async () => {
    await ws.preview(["--expect-no-changes"]);
  });

  it("shows a hand edit on refresh and restores it on up", async () => {
    const res = await fetch(`${em.url}/api/v4/runners/${runnerId}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "Content-Type": "application/json" },
      body: JSON.stringify({ description: "changed by hand", tag_list: ["docker"] }),
    });
    expect(res.status).toBe(200);
    const refresh = await ws.refresh(["--diff"]);
    expect(refresh.output).toMatch(/~ description: "built from yaml" => "changed by hand"/);
    const preview = await ws.preview();
    expect(preview.output).toMatch(/~ description: "changed by hand" => "built from yaml"/);
    expect(preview.output).toMatch(/~ 1 to update/);
    await ws.up();
    expect(live(runnerId)?.description).toBe("built from yaml");
    expect([...(live(runnerId)?.tagList ?? [])].sort()).toEqual(["docker", "linux"]);
    await ws.preview(["--expect-no-changes"]);
  });

  it("imports an existing runner and writes YAML that previews with no change", async () => {
    const id = FIXTURE_IDS.runners.instance;
    const { output } = await ws.run(["import", RUNNER, "shared", String(id), "--yes"]);
    expect(output).toMatch(/= 1 imported/);
    expect(output).not.toMatch(/failed to validate/);
    const code = output.slice(output.indexOf("resources:"));
    expect(code).toMatch(/type: gitlab-runners:Runner/);
    expect(code).toMatch(/runnerType: instance_type/);
    // Add the generated code to the program, as the CLI asks: nothing to change afterwards.
    const imported = code.replace(/^resources:\n/, "").trimEnd();
    await writeFile(
      join(ws.programDir, "Pulumi.yaml"),
      program.replace("variables:", `${imported}\nvariables:`),
    );
    await ws.preview(["--expect-no-changes"]);
  });

  it("runs the README's YAML program as it is printed", async () => {
    const readme = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": await readmeBlock("**The same from Pulumi YAML", "yaml") },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: { PATH: pluginPath() },
    });
    try {
      const { output } = await readme.up();
      expect(output).toMatch(/\+ 4 created/);
      expect((await readme.outputs()).deployToken).toBe("[secret]");
      const deploy = em
        .state()
        .runners.find((r) => r.tagList.includes("deploy") && r.runnerType === "project_type");
      expect(deploy).toMatchObject({ locked: true, accessLevel: "ref_protected" });
      expect(deploy?.projectIds).toEqual([FIXTURE_IDS.projects.api, FIXTURE_IDS.projects.web]);
      await readme.destroy();
    } finally {
      await readme.cleanup();
    }
  });

  it("destroys what it made and the imported runner", async () => {
    await ws.run(["state", "unprotect", "--all", "--yes"]);
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 5 deleted/);
    expect(live(runnerId)).toBeUndefined();
    expect(live(FIXTURE_IDS.runners.instance)).toBeUndefined();
  });
});
