import { cp } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { buildGoProgram } from "../support/languages";
import { repoRoot } from "../support/paths";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";

// A Go program on the plugin (the generated SDK, sdks/go), run as an Automation API inline
// program with the Go module proxy's `github.com/pulumi/pulumi/sdk/v3`: the Go language host is
// not served by the registries here. The engine is the real CLI; the plugin is the packed
// package's `bin` entry on PATH.

describe("a Go program on the plugin (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let binary: string;
  const live = (id: number) => em.state().runners.find((r) => r.id === id);

  /** Runs the program's operation; its last stdout line is `{ summary, outputs }`. */
  async function program(operation: string) {
    const { stdout } = await ws.run([operation], { command: binary, timeoutMs: 600_000 });
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
      summary: Record<string, number>;
      outputs: Record<string, unknown>;
    };
  }

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": "name: plugin-go\nruntime: go\n" },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: {
        PATH: pluginPath(),
      },
    });
    await cp(
      join(repoRoot, "test", "e2e", "fixtures", "plugin-go", "main.go"),
      join(ws.programDir, "main.go"),
    );
    binary = await buildGoProgram(ws.programDir);
  }, 1_800_000);
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
    expect(outputs.goTagged).toEqual([buildId]);
    const build = live(buildId);
    expect(build).toMatchObject({ runnerType: "group_type", groupId: FIXTURE_IDS.groups.acme, locked: true });
    expect(build?.accessLevel).toBe("ref_protected");
    expect([...(build?.tagList ?? [])].sort()).toEqual(["docker", "golang"]);
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
});
