import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_IDS, FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { closeSharedDispatchers, GitLabClient, loadClientConfig } from "../../provider/gitlab";
import { PulumiWorkspace, type StackResource } from "../support/pulumi";

// The Runner's whole life with the real `pulumi` CLI against the emulator (GitLab 17.11), using
// the package installed from `npm pack` as users do: create, no-change preview, update in
// place, drift shown by refresh and restored by up, rotation, replacement, out-of-band delete,
// `Runner.get`, destroy after an out-of-band delete.

const RUNNER_TYPE = "pulumi-nodejs:dynamic/gitlab:Runner";
const program = join(__dirname, "fixtures", "runner-program");

describe("Runner lifecycle with the real CLI (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let admin: GitLabClient;

  const runnerInState = async (): Promise<StackResource | undefined> =>
    (await ws.resourcesOfType(RUNNER_TYPE))[0];
  const liveRunner = (id: number | string) => em.state().runners.find((r) => r.id === Number(id));
  const set = (key: string, value: string) => ws.run(["config", "set", `runner:${key}`, value]);

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    admin = new GitLabClient(
      loadClientConfig({ config: { "gitlab:baseUrl": em.url, "gitlab:token": FIXTURE_TOKENS.admin } }),
    );
    ws = await PulumiWorkspace.create({
      programDir: program,
      config: {
        "gitlab:baseUrl": em.url,
        "runner:way": "create",
        "runner:runnerType": "project_type",
        "runner:projectId": "acme/api",
        "runner:description": "build",
        "runner:tagList": '["linux","docker"]',
        "runner:locked": "true",
      },
      secretConfig: { "gitlab:token": FIXTURE_TOKENS.admin },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
    await closeSharedDispatchers();
  });

  let firstId: number;
  let firstToken: string;

  it("creates a project runner with runnerType", async () => {
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 2 created/);
    const outputs = await ws.outputs();
    firstId = outputs.runnerId as number;
    expect(typeof firstId).toBe("number");
    expect(outputs.authenticationToken).toBe("[secret]");
    expect(outputs.runnerType).toBe("project_type");
    expect(outputs.tagList).toEqual(["docker", "linux"]);
    expect(outputs.isInstance).toBe(true);
    const live = liveRunner(firstId);
    expect(live).toMatchObject({ description: "build", locked: true, runnerType: "project_type" });
    firstToken = live!.token;
    const shown = await ws.run(["stack", "output", "authenticationToken", "--show-secrets"]);
    expect(shown.stdout.trim()).toBe(firstToken);
  });

  it("previews no changes for the same program", async () => {
    const { code } = await ws.preview(["--expect-no-changes"]);
    expect(code).toBe(0);
  });

  it("keeps tokens and credentials out of the state; __provider is small", async () => {
    const text = await ws.exportStackText();
    expect(text).not.toContain(firstToken);
    expect(text).not.toContain(FIXTURE_TOKENS.admin);
    const resource = await runnerInState();
    expect(resource?.type).toBe(RUNNER_TYPE);
    expect(resource?.id).toBe(String(firstId));
    const provider = resource?.outputs?.__provider;
    expect(typeof provider).toBe("string");
    expect(provider as string).not.toContain(em.url);
    // docs/design.md decision 1: at most 1 KB. Needs the package export "./provider/runner" (see sdk/shims.ts).
    expect(
      (provider as string).length,
      `__provider is ${(provider as string).length} bytes; package.json needs "exports": { "./provider/runner": "./dist/provider/runner/shim.js" } (sdk/shims.ts)`,
    ).toBeLessThanOrEqual(1024);
  });

  it("updates in place when the program changes", async () => {
    await set("description", "build-2");
    await set("tagList", '["docker"]');
    const { output } = await ws.up();
    expect(output).toMatch(/~ 1 updated/);
    expect(liveRunner(firstId)).toMatchObject({ description: "build-2", tagList: ["docker"] });
    expect((await ws.outputs()).runnerId).toBe(firstId);
  });

  it("shows an out-of-band change on refresh, and up restores the program", async () => {
    await admin.updateRunner(firstId, { description: "changed by hand", locked: false });
    const refreshed = await ws.refresh();
    expect(refreshed.output).toMatch(/updated|changed by hand/);
    expect((await runnerInState())?.outputs).toMatchObject({ description: "changed by hand", locked: false });
    const preview = await ws.preview(["--expect-no-changes"], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain("changed by hand");
    await ws.up();
    expect(liveRunner(firstId)).toMatchObject({ description: "build-2", locked: true });
    expect((await ws.preview(["--expect-no-changes"])).code).toBe(0);
  });

  it("rotates the token in place when tokenRotation changes", async () => {
    await set("tokenRotation", "2026-11");
    const { output } = await ws.up();
    expect(output).toMatch(/~ 1 updated/);
    const live = liveRunner(firstId);
    expect(live?.token).not.toBe(firstToken);
    const shown = await ws.run(["stack", "output", "authenticationToken", "--show-secrets"]);
    expect(shown.stdout.trim()).toBe(live?.token);
    const text = await ws.exportStackText();
    expect(text).not.toContain(live!.token);
  });

  it("reads an existing runner with Runner.get", async () => {
    await set("getId", String(FIXTURE_IDS.runners.instance));
    await ws.up();
    const outputs = await ws.outputs();
    expect(outputs.seenRunnerType).toBe("instance_type");
    await ws.run(["config", "rm", "runner:getId"]);
    await ws.up();
    expect(liveRunner(FIXTURE_IDS.runners.instance)).toBeDefined();
  });

  let secondId: number;
  it("replaces the runner when its project changes", async () => {
    await set("projectId", "acme/web");
    const { output } = await ws.up();
    expect(output).toMatch(/\+-1 replaced|1 replaced/);
    secondId = (await ws.outputs()).runnerId as number;
    expect(secondId).not.toBe(firstId);
    expect(liveRunner(firstId)).toBeUndefined();
    expect(liveRunner(secondId)?.projectIds).toEqual([FIXTURE_IDS.projects.web]);
  });

  it("drops a runner deleted out of band on refresh, and up recreates it", async () => {
    await admin.deleteRunner(secondId);
    await ws.refresh();
    expect(await runnerInState()).toBeUndefined();
    const { output } = await ws.up();
    expect(output).toMatch(/\+ 1 created/);
    const thirdId = (await ws.outputs()).runnerId as number;
    expect(liveRunner(thirdId)).toMatchObject({ description: "build-2" });
  });

  it("destroys even after the runner was deleted out of band", async () => {
    const id = (await ws.outputs()).runnerId as number;
    await admin.deleteRunner(id);
    const { output } = await ws.destroy();
    expect(output).toMatch(/- 2 deleted/);
    expect(await ws.resourcesOfType(RUNNER_TYPE)).toHaveLength(0);
  });
});
