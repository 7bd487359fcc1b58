import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { repoRoot } from "../support/paths";
import { PulumiWorkspace } from "../support/pulumi";

// The README's first program, exactly as the README shows it, with the token of the role the
// README names (an Owner of the group acme, not an administrator): up works, a second preview
// shows no changes, destroy leaves nothing.

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## A first program"), readme.indexOf("## Install"));
const program = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? "";

describe("the README's first program, with a group Owner's token (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    expect(program).toContain('new gitlab.Runner("build"');
    em = await startEmulator({ gitlabVersion: "17.11" });
    ws = await PulumiWorkspace.create({
      files: {
        "Pulumi.yaml": "name: readme-program\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "readme-program", private: true, main: "index.ts" }),
        "index.ts": program,
        "tsconfig.json": JSON.stringify({
          compilerOptions: { strict: true, module: "commonjs", target: "es2022" },
        }),
      },
      config: { "gitlab:baseUrl": em.url },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.owner },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("previews, creates the three runners and the assignment, then shows no changes", async () => {
    const preview = await ws.preview();
    expect(preview.code).toBe(0);
    expect(preview.output).toMatch(/\+ 5 to create/);
    const before = em.state().runners.length;
    const up = await ws.up();
    expect(up.output).toMatch(/\+ 5 created/);
    expect(em.state().runners.length).toBe(before + 3);
    const integration = em.state().runners.find((r) => r.tagList?.includes("integration"));
    expect(integration?.projectIds.length).toBe(2);
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("destroys everything it made", async () => {
    const before = em.state().runners.length;
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 5 deleted/);
    expect(em.state().runners.length).toBe(before - 3);
  });
});
