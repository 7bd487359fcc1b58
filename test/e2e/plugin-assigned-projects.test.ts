import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";

// A Runner's `assignedProjects` through the provider plugin (`gitlab-runners:index:Runner`, from
// a Pulumi YAML program, the plugin installed from the packed package): the same implementation
// as the dynamic Runner, so the same links in GitLab, the same drift on refresh, the same
// removal when the set shrinks. Ids and paths mixed, as the schema's `oneOf` allows.

const RUNNER = "gitlab-runners:index:Runner";
const { api, web, deploy } = FIXTURE_IDS.projects;

const program = (projects: string) => `name: plugin-assigned-projects
runtime: yaml
resources:
  ci:
    type: ${RUNNER}
    properties:
      runnerType: project_type
      projectId: acme/api
      description: ci from yaml
      assignedProjects: ${projects}
outputs:
  runnerId: \${ci.runnerId}
  assignedProjects: \${ci.assignedProjects}
`;

describe("a Runner's assignedProjects through the plugin (YAML, GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let runnerId: number;
  const linked = () => [...(em.state().runners.find((r) => r.id === runnerId)?.projectIds ?? [])].sort();

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": program(`[acme/web, ${deploy}]`) },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: { PATH: pluginPath() },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("creates the runner on its owner project and enables it on the listed ones", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/); // the stack and the runner
    const outputs = await ws.outputs();
    runnerId = outputs.runnerId as number;
    expect(linked()).toEqual([api, web, deploy]);
    expect(outputs.assignedProjects).toEqual(["acme/web", deploy]);
    await ws.preview(["--expect-no-changes"]);
  });

  it("shows a project removed by hand on refresh and enables it again on up", async () => {
    const res = await fetch(`${em.url}/api/v4/projects/${deploy}/runners/${runnerId}`, {
      method: "DELETE",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin },
    });
    expect(res.status).toBe(204);
    expect(linked()).toEqual([api, web]);
    const refresh = await ws.refresh(["--diff"]);
    expect(refresh.output).toMatch(/assignedProjects/);
    const preview = await ws.preview();
    expect(preview.output).toMatch(/~ 1 to update/);
    await ws.up();
    expect(linked()).toEqual([api, web, deploy]);
    await ws.preview(["--expect-no-changes"]);
  });

  it("removes a project the set no longer lists, and only that one", async () => {
    await writeFile(join(ws.programDir, "Pulumi.yaml"), program("[acme/web]"));
    const preview = await ws.preview();
    expect(preview.output).toMatch(/~ 1 to update/);
    await ws.up();
    expect(linked()).toEqual([api, web]);
    await ws.preview(["--expect-no-changes"]);
  });

  it("destroys the runner", async () => {
    await ws.destroy();
    expect(em.state().runners.find((r) => r.id === runnerId)).toBeUndefined();
  });
});
