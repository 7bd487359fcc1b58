import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pythonWithSdk } from "../support/languages";
import { repoRoot } from "../support/paths";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";
import { readmeBlock } from "../support/readme";

// A Python program on the plugin (the generated SDK, sdks/python), run as an Automation API
// inline program with PyPI's `pulumi`: the Python language host is not served by the registries
// here. The engine is the real CLI; the plugin is the packed package's `bin` entry on PATH.

describe("a Python program on the plugin (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let python: string;
  const live = (id: number) => em.state().runners.find((r) => r.id === id);

  /** Runs main.py's operation; its last stdout line is `{ summary, outputs }`. */
  async function program(operation: string, env: Record<string, string> = {}) {
    const { stdout } = await ws.run(["main.py", operation], { command: python, timeoutMs: 600_000, env });
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
      summary: Record<string, number>;
      outputs: Record<string, unknown>;
    };
  }

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    python = await pythonWithSdk();
    ws = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": "name: plugin-python\nruntime: python\n" },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: {
        PATH: pluginPath(),
      },
    });
    await cp(
      join(repoRoot, "test", "e2e", "fixtures", "plugin-python", "main.py"),
      join(ws.programDir, "main.py"),
    );
  }, 900_000);
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  let buildId: number;
  let deployId: number;

  it("creates the runners and the assignment; the token is a secret; the invoke sees the new runner", async () => {
    const { summary, outputs } = await program("up");
    expect(summary.create).toBe(4); // the stack, two runners, one assignment
    buildId = outputs.buildId as number;
    deployId = outputs.deployId as number;
    expect(outputs.buildToken).toBe("[secret]");
    expect(outputs.pythonTagged).toEqual([buildId]);
    const build = live(buildId);
    expect(build).toMatchObject({ runnerType: "group_type", groupId: FIXTURE_IDS.groups.acme, locked: true });
    expect(build?.accessLevel).toBe("ref_protected");
    expect([...(build?.tagList ?? [])].sort()).toEqual(["docker", "python"]);
    expect(live(deployId)?.projectIds).toEqual([FIXTURE_IDS.projects.api, FIXTURE_IDS.projects.web]);
    expect(await ws.exportStackText()).not.toContain(build?.token);
  });

  it("previews no change, refreshes, and previews no change again", async () => {
    await program("preview");
    const { summary } = await program("refresh");
    expect(summary.update ?? 0).toBe(0);
    await program("preview");
  });

  it("destroys what it made", async () => {
    const { summary } = await program("destroy");
    expect(summary.delete).toBe(4);
    expect(live(buildId)).toBeUndefined();
    expect(live(deployId)).toBeUndefined();
  });

  it("runs the README's Python program as it is printed", async () => {
    const file = join(ws.programDir, "readme.py");
    await writeFile(file, await readmeBlock("**The same from Pulumi YAML", "python"));
    const env = { PROGRAM_FILE: file };
    const { summary, outputs } = await program("up", env);
    expect(summary.create).toBe(4);
    expect(outputs.deploy_token).toBe("[secret]");
    const made = em
      .state()
      .runners.filter((r) => r.description === "build: docker on linux" || r.tagList.includes("deploy"));
    expect(made.map((r) => r.runnerType).sort()).toEqual(["group_type", "project_type"]);
    expect(made.find((r) => r.runnerType === "project_type")).toMatchObject({
      locked: true,
      accessLevel: "ref_protected",
    });
    expect((await program("destroy", env)).summary.delete).toBe(4);
  });
});
