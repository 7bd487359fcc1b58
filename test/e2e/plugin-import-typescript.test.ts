import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";

// `pulumi import` of the plugin's resources in a TypeScript project: the CLI imports them, then
// asks the project's language host (ours, engine/language-host) to write the code, which it does
// with Pulumi's own TypeScript generator. The plugin is the packed package's `bin` entry on PATH.

describe("pulumi import into a TypeScript project (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      files: {
        "Pulumi.yaml": "name: plugin-import-ts\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "plugin-import-ts", main: "index.ts" }),
        "index.ts": "export const ready = true;\n",
      },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: {
        PATH: pluginPath(),
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("imports a runner and prints TypeScript for it", async () => {
    const id = FIXTURE_IDS.runners.instance;
    const { output } = await ws.run(["import", "gitlab-runners:index:Runner", "shared", String(id), "--yes"]);
    expect(output).toMatch(/= 1 imported/);
    expect(output).not.toMatch(/not implemented/);
    expect(output).toMatch(/import \* as gitlab_runners from "[^"]+";/);
    expect(output).toMatch(/const shared = new gitlab_runners\.Runner\("shared", \{/);
    expect(output).toMatch(/runnerType: gitlab_runners\.RunnerType\.InstanceType,/);
    expect(output).toMatch(/description: "shared-autoscaler",/);
    const [resource] = await ws.resourcesOfType("gitlab-runners:index:Runner");
    expect(resource?.id).toBe(String(id));
  });

  it("imports a project assignment by its project:runner id", async () => {
    const id = `${FIXTURE_IDS.projects.api}:${FIXTURE_IDS.runners.project}`;
    const { output } = await ws.run([
      "import",
      "gitlab-runners:index:ProjectRunnerAssignment",
      "api-link",
      id,
      "--yes",
    ]);
    expect(output).toMatch(/= 1 imported/);
    expect(output).not.toMatch(/failed to validate/);
    expect(output).toMatch(/new gitlab_runners\.ProjectRunnerAssignment\("api-link", \{/);
    expect(output).toMatch(new RegExp(`runnerId: ${FIXTURE_IDS.runners.project},`));
  });
});
