import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";

// Moving a TypeScript stack from the dynamic resources to the provider plugin, as the README
// says, with no runner replaced: `pulumi state delete` the dynamic resources (GitLab keeps
// them), `pulumi import` them as the plugin's types with code written to index.ts (it imports
// `pulumi-gitlab-runners/plugin`), and the next preview changes nothing.

const DYNAMIC_RUNNER = "pulumi-nodejs:dynamic/gitlab:Runner";
const DYNAMIC_ASSIGNMENT = "pulumi-nodejs:dynamic/gitlab:ProjectRunnerAssignment";

const dynamicProgram = `import * as gitlab from "pulumi-gitlab-runners";

const deploy = new gitlab.Runner("deploy", {
  runnerType: "project_type",
  projectId: "acme/api",
  description: "deploy: api",
  tagList: ["deploy"],
  runUntagged: false,
});
new gitlab.ProjectRunnerAssignment("deploy-web", { project: "acme/web", runnerId: deploy.runnerId });
export const runnerId = deploy.runnerId;
`;

describe("moving a stack from the dynamic resources to the plugin (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let runnerId: number;
  const live = () => em.state().runners.find((r) => r.id === runnerId);

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      files: {
        "Pulumi.yaml": "name: plugin-migrate\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "plugin-migrate", main: "index.ts" }),
        "index.ts": dynamicProgram,
      },
      // The dynamic resources read gitlab:*, the plugin gitlab-runners:*.
      config: { "gitlab:baseUrl": em.url, "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin, "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: {
        PATH: pluginPath(),
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("starts as a stack of dynamic resources", async () => {
    await ws.up();
    runnerId = (await ws.outputs()).runnerId as number;
    expect(live()?.projectIds).toEqual([FIXTURE_IDS.projects.api, FIXTURE_IDS.projects.web]);
  });

  it("forgets the dynamic resources, imports them as the plugin's, and then previews no change", async () => {
    const urns = [
      ...(await ws.resourcesOfType(DYNAMIC_ASSIGNMENT)),
      ...(await ws.resourcesOfType(DYNAMIC_RUNNER)),
    ].map((r) => r.urn);
    expect(urns).toHaveLength(2);
    for (const urn of urns) await ws.run(["state", "delete", urn, "--yes"]);
    expect(live()).toBeDefined();

    await writeFile(
      join(ws.programDir, "import.json"),
      JSON.stringify({
        resources: [
          { type: "gitlab-runners:index:Runner", name: "deploy", id: String(runnerId) },
          {
            type: "gitlab-runners:index:ProjectRunnerAssignment",
            name: "deploy-web",
            id: `${FIXTURE_IDS.projects.web}:${runnerId}`,
          },
        ],
      }),
    );
    const { output } = await ws.run(["import", "--file", "import.json", "--out", "index.ts", "--yes"]);
    expect(output).toMatch(/= 2 imported/);
    const code = await readFile(join(ws.programDir, "index.ts"), "utf8");
    expect(code).toMatch(/from "pulumi-gitlab-runners\/plugin"/);
    expect(code).toMatch(/runnerType: gitlab_runners\.RunnerType\.ProjectType/);

    // The written program compiles against the package's plugin SDK and matches GitLab.
    await ws.preview(["--expect-no-changes"]);
    expect(live()?.id).toBe(runnerId);
    expect(live()?.projectIds).toEqual([FIXTURE_IDS.projects.api, FIXTURE_IDS.projects.web]);
    expect(await ws.resourcesOfType(DYNAMIC_RUNNER)).toHaveLength(0);
    const [runner] = await ws.resourcesOfType("gitlab-runners:index:Runner");
    expect(runner?.id).toBe(String(runnerId));
    expect(runner?.outputs).not.toHaveProperty("__provider");
  });

  it("is then managed by the plugin: an edit updates the same runner in place, destroy removes it", async () => {
    const code = await readFile(join(ws.programDir, "index.ts"), "utf8");
    await writeFile(join(ws.programDir, "index.ts"), code.replace('"deploy: api"', '"deploy: api (plugin)"'));
    const { output } = await ws.up();
    expect(output).toMatch(/~ 1 updated/);
    expect(live()?.description).toBe("deploy: api (plugin)");
    await ws.run(["state", "unprotect", "--all", "--yes"]);
    await ws.destroy();
    expect(live()).toBeUndefined();
  });
});

describe("moving it by adoption instead (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let runnerId: number;
  const live = () => em.state().runners.find((r) => r.id === runnerId);

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      files: {
        "Pulumi.yaml": "name: plugin-adopt\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "plugin-adopt", main: "index.ts" }),
        "index.ts": dynamicProgram,
      },
      config: { "gitlab:baseUrl": em.url, "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin, "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: {
        PATH: pluginPath(),
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("takes the runner and its assignment over with adoptRunnerId: no new runner, no new link", async () => {
    await ws.up();
    runnerId = (await ws.outputs()).runnerId as number;
    const count = em.state().runners.length;
    for (const r of [
      ...(await ws.resourcesOfType(DYNAMIC_ASSIGNMENT)),
      ...(await ws.resourcesOfType(DYNAMIC_RUNNER)),
    ]) {
      await ws.run(["state", "delete", r.urn, "--yes"]);
    }
    await writeFile(
      join(ws.programDir, "index.ts"),
      `import * as gitlab from "pulumi-gitlab-runners/plugin";

const deploy = new gitlab.Runner("deploy", {
  adoptRunnerId: ${runnerId},
  description: "deploy: api",
  tagList: ["deploy"],
  runUntagged: false,
});
new gitlab.ProjectRunnerAssignment("deploy-web", { project: "acme/web", runnerId: deploy.runnerId });
export const runnerId = deploy.runnerId;
`,
    );
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/);
    expect((await ws.outputs()).runnerId).toBe(runnerId);
    expect(em.state().runners).toHaveLength(count);
    expect(live()?.projectIds).toEqual([FIXTURE_IDS.projects.api, FIXTURE_IDS.projects.web]);
    const [link] = await ws.resourcesOfType("gitlab-runners:index:ProjectRunnerAssignment");
    expect(link?.outputs?.preExisting).toBe(true);
    await ws.preview(["--expect-no-changes"]);
    await ws.destroy();
    expect(live()).toBeUndefined();
  });
});
