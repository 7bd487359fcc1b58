import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace, type StackResource } from "../support/pulumi";
import { generateTestPki, type TestPki } from "../support/tls-certs";
import { startTlsFront, type TlsFront } from "../support/tls-front";

// Rotating credentials the way users do it: `pulumi config set --secret gitlab:token NEW` after
// the old token is revoked, and a GitLab that moved (a new gitlab:baseUrl, served with a
// certificate of another CA: a new gitlab:cacertFile). Then `pulumi refresh`, `pulumi preview
// --refresh` and `pulumi destroy` must work with no extra flag, although the engine configures
// the provider for them from the configuration recorded in the state at the last `pulumi up`
// (provider/stack-config.ts). The old token is revoked in GitLab and the old URL is gone, so
// any request made with either fails.

const OLD_TOKEN = "glpat-rotationOldToken0001";
const NEW_TOKEN = "glpat-rotationNewToken0002";
const RUNNER = "pulumi-nodejs:dynamic/gitlab:Runner";

const PROGRAM = {
  "Pulumi.yaml":
    "name: rotation\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
  "package.json": JSON.stringify({ name: "rotation", private: true, main: "index.js" }),
  "index.js": `
const gitlab = require("pulumi-gitlab-runners");
const runner = new gitlab.Runner("build", {
  runnerType: "project_type",
  projectId: ${FIXTURE_IDS.projects.api},
  description: "rotation build",
  tagList: ["docker"],
  locked: false,
});
new gitlab.ProjectRunnerAssignment("build-web", { project: ${FIXTURE_IDS.projects.web}, runnerId: runner.runnerId });
exports.runnerId = runner.runnerId;
`,
};

/** The default world, with two tokens of the administrator: the one to revoke and its successor. */
function fixture() {
  const f = defaultFixture();
  const root = f.users.find((u) => u.admin);
  if (root === undefined) throw new Error("the default fixture has no administrator");
  root.tokens = [
    ...(root.tokens ?? []),
    { token: OLD_TOKEN, name: "rotation-old", scopes: ["api"], expiresAt: null, revoked: false },
    { token: NEW_TOKEN, name: "rotation-new", scopes: ["api"], expiresAt: null, revoked: false },
  ];
  return f;
}

/** Revokes `token` in GitLab (the emulator's state, reloaded with the token marked revoked). */
function revoke(em: RunningEmulator, token: string): void {
  const state = em.state();
  for (const user of state.users) for (const t of user.tokens) if (t.token === token) t.revoked = true;
  em.loadFixture(state as unknown as Parameters<RunningEmulator["loadFixture"]>[0]);
}

describe("a rotated token, a moved GitLab and a new CA file, with no extra flag", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let pkiOld: TestPki;
  let pkiNew: TestPki;
  let frontOld: TlsFront;
  let frontNew: TlsFront | undefined;
  let runnerId: number;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11", fixture: fixture() });
    pkiOld = generateTestPki();
    pkiNew = generateTestPki();
    frontOld = await startTlsFront(em.url, { cert: pkiOld.serverCert, key: pkiOld.serverKey });
    ws = await PulumiWorkspace.create({
      files: PROGRAM,
      config: { "gitlab:baseUrl": frontOld.url, "gitlab:cacertFile": pkiOld.caFile },
      secretConfig: { "gitlab:token": OLD_TOKEN },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await frontOld?.stop();
    await frontNew?.stop();
    await em?.stop();
    pkiOld?.cleanup();
    pkiNew?.cleanup();
  });

  it("up with the first token, URL and CA; the state records them, the token as a secret", async () => {
    await ws.up();
    runnerId = Number((await ws.outputs()).runnerId);
    expect(em.state().runners.find((r) => r.id === runnerId)?.description).toBe("rotation build");
    // What enters the state (README "What the state holds"): the default provider's inputs are
    // the stack's whole configuration, gitlab:token encrypted; no token in plain text anywhere.
    const text = await ws.exportStackText();
    const exported = JSON.parse(text) as { deployment: { resources: StackResource[] } };
    const provider = exported.deployment.resources.find((r) => r.type === "pulumi:providers:pulumi-nodejs");
    expect(provider?.inputs?.["gitlab:baseUrl"]).toBe(frontOld.url);
    expect(provider?.inputs?.["gitlab:token"]).toMatchObject({ ciphertext: expect.any(String) });
    expect(text).not.toContain(OLD_TOKEN);
    const live = em.state().runners.find((r) => r.id === runnerId);
    expect(text).not.toContain(live?.token);
    const runner = exported.deployment.resources.find((r) => r.type === RUNNER);
    expect(runner?.outputs?.authenticationToken).toMatchObject({ ciphertext: expect.any(String) });
    expect(runner?.inputs?.__origin).toEqual({ urn: runner?.urn, organization: "organization" });
  });

  it("after the old token is revoked and GitLab moved: refresh, preview --refresh and destroy work", async () => {
    revoke(em, OLD_TOKEN);
    frontNew = await startTlsFront(em.url, { cert: pkiNew.serverCert, key: pkiNew.serverKey });
    await frontOld.stop();
    await ws.run(["config", "set", "--secret", "gitlab:token", NEW_TOKEN]);
    await ws.run(["config", "set", "gitlab:baseUrl", frontNew.url]);
    await ws.run(["config", "set", "gitlab:cacertFile", pkiNew.caFile]);
    // Someone changes the runner by hand: refresh must see it with the new credentials.
    const put = await fetch(`${em.url}/api/v4/runners/${runnerId}`, {
      method: "PUT",
      headers: { "PRIVATE-TOKEN": FIXTURE_TOKENS.admin, "content-type": "application/json" },
      body: JSON.stringify({ description: "changed by hand" }),
    });
    expect(put.status).toBe(200);

    const refresh = await ws.run(["refresh", "--yes", "--skip-preview"], { allowFailure: true });
    expect(refresh.code, refresh.output.slice(-3000)).toBe(0);
    const [recorded] = await ws.resourcesOfType(RUNNER);
    expect(recorded?.outputs?.description).toBe("changed by hand");

    const preview = await ws.run(["preview", "--refresh", "--diff"], { allowFailure: true });
    expect(preview.code, preview.output.slice(-3000)).toBe(0);
    expect(preview.output).toMatch(/description/);

    const destroy = await ws.run(["destroy", "--yes", "--skip-preview"], { allowFailure: true });
    expect(destroy.code, destroy.output.slice(-3000)).toBe(0);
    expect(em.state().runners.find((r) => r.id === runnerId)).toBeUndefined();
    expect(await ws.resourcesOfType(RUNNER)).toHaveLength(0);
    // Nothing reached GitLab with the revoked token: every request was answered, none with 401.
    expect(em.requests().filter((r) => r.status === 401)).toEqual([]);
  });
});

// The same with the provider plugin from a YAML program: the engine configures the plugin's
// default provider for refresh and destroy from the stack's configuration as it is now.
describe("the plugin: a rotated token with no extra flag", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let runnerId: number;

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11", fixture: fixture() });
    ws = await PulumiWorkspace.create({
      files: {
        "Pulumi.yaml": `name: rotation-plugin
runtime: yaml
resources:
  build:
    type: gitlab-runners:index:Runner
    properties:
      runnerType: project_type
      projectId: ${FIXTURE_IDS.projects.api}
      description: rotation build
outputs:
  runnerId: \${build.runnerId}
`,
      },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": OLD_TOKEN },
      env: {
        PATH: pluginPath(),
      },
    });
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("refresh, preview --refresh and destroy use the new token after the old one is revoked", async () => {
    await ws.up();
    runnerId = Number((await ws.outputs()).runnerId);
    revoke(em, OLD_TOKEN);
    await ws.run(["config", "set", "--secret", "gitlab-runners:token", NEW_TOKEN]);
    const refresh = await ws.run(["refresh", "--yes", "--skip-preview"], { allowFailure: true });
    expect(refresh.code, refresh.output.slice(-3000)).toBe(0);
    const preview = await ws.run(["preview", "--refresh", "--diff"], { allowFailure: true });
    expect(preview.code, preview.output.slice(-3000)).toBe(0);
    const destroy = await ws.run(["destroy", "--yes", "--skip-preview"], { allowFailure: true });
    expect(destroy.code, destroy.output.slice(-3000)).toBe(0);
    expect(em.state().runners.find((r) => r.id === runnerId)).toBeUndefined();
    expect(em.requests().filter((r) => r.status === 401)).toEqual([]);
  });
});
