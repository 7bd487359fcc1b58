import { cp, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PulumiWorkspace } from "../support/pulumi";

const fixtures = join(__dirname, "fixtures");

// The real `pulumi` CLI, language host and dynamic-provider host, with a trivial resource:
// proves the engine works on this machine before any GitLab resource is involved.
describe("the real pulumi engine runs a dynamic resource", () => {
  let ws: PulumiWorkspace;

  beforeAll(async () => {
    ws = await PulumiWorkspace.create({
      programDir: join(fixtures, "smoke"),
      config: { "smoke:label": "alpha" },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
  });

  it("reports its version", async () => {
    const { stdout } = await ws.run(["version"]);
    expect(stdout.trim()).toMatch(/^v3\.\d+\.\d+/);
  });

  it("creates with pulumi up", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/); // the stack and the Thing
    const outputs = await ws.outputs();
    expect(outputs.thingId).toBe("thing-alpha");
    expect(outputs.size).toBe(1);
  });

  it("sees no changes in a second preview", async () => {
    const { output } = await ws.preview(["--expect-no-changes"]);
    expect(output).not.toContain("will be created");
  });

  it("fails --expect-no-changes when the program changes, and updates in place", async () => {
    await ws.run(["config", "set", "smoke:size", "2"]);
    const failed = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    const { output } = await ws.up();
    expect(output).toContain("~ 1 updated");
    expect((await ws.outputs()).size).toBe(2);
  });

  it("refreshes", async () => {
    const { output } = await ws.refresh();
    expect(output).toMatch(/Resources:|unchanged/);
  });

  it("stops a preview with a mandatory policy and its message", async () => {
    const pack = join(ws.root, "policy");
    await cp(join(fixtures, "smoke-policy"), pack, { recursive: true });
    await symlink(inject("consumerNodeModules"), join(pack, "node_modules"), "dir");

    const passing = await ws.preview(["--policy-pack", pack]);
    expect(passing.code).toBe(0);

    await ws.run(["config", "set", "smoke:label", "forbidden"]);
    const denied = await ws.preview(["--policy-pack", pack], { allowFailure: true });
    expect(denied.code).not.toBe(0);
    expect(denied.output).toContain("smoke-deny: a Thing labelled 'forbidden' is not allowed");
    expect(denied.output).toContain("no-forbidden-things");
    await ws.run(["config", "set", "smoke:label", "alpha"]);
  });

  it("destroys", async () => {
    const { output } = await ws.destroy();
    expect(output).toContain("- 2 deleted");
    const exported = await ws.exportStack();
    expect(exported.deployment.resources ?? []).toHaveLength(0);
  });
});
