import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FIXTURE_TOKENS, type RunningEmulator, startEmulator } from "../../emulator";
import { pluginPath } from "../support/plugin-path";
import { PulumiWorkspace } from "../support/pulumi";

// The gitlab-runner-guardrails pack, as shipped in the package, on Pulumi YAML stacks of the
// provider plugin's resources (gitlab-runners:index:Runner, …): a violating program is stopped at
// preview with each policy's message, naming the plugin's type; a compliant one is deployed.

const violating = `name: policy-yaml
runtime: yaml
resources:
  deploy:
    type: gitlab-runners:index:Runner
    properties:
      runnerType: project_type
      projectId: acme/api
      description: deploy-api API deploys
      tagList: [deploy]
      runUntagged: false
      maximumTimeout: 86400
  deploy-platform:
    type: gitlab-runners:index:ProjectRunnerAssignment
    properties:
      project: acme/platform/deploy
      runnerId: \${deploy.runnerId}
`;

const compliant = `name: policy-yaml
runtime: yaml
resources:
  deploy:
    type: gitlab-runners:index:Runner
    properties:
      runnerType: project_type
      projectId: acme/api
      description: deploy-api API deploys
      tagList: [deploy]
      runUntagged: false
      locked: true
      accessLevel: ref_protected
      maximumTimeout: 1800
`;

describe("the policy pack on a YAML stack of the plugin's resources (GitLab 17.11)", () => {
  let em: RunningEmulator;
  let ws: PulumiWorkspace;
  let policy: string[];
  let before: number[];
  const created = () => em.state().runners.filter((r) => !before.includes(r.id));

  beforeAll(async () => {
    em = await startEmulator({ gitlabVersion: "17.11" });
    before = em.state().runners.map((r) => r.id);
    ws = await PulumiWorkspace.create({
      files: { "Pulumi.yaml": violating },
      config: { "gitlab-runners:baseUrl": em.url },
      secretConfig: { "gitlab-runners:token": FIXTURE_TOKENS.admin },
      env: {
        PATH: pluginPath(),
      },
    });
    // The pack as a user runs it from the installed package (policy-pack-installed.test.ts): a
    // YAML program has no node_modules of its own, so by its absolute path.
    const pack = join(inject("consumerNodeModules"), "pulumi-gitlab-runners", "policy");
    const config = join(ws.root, "policy-config.json");
    await writeFile(
      config,
      JSON.stringify({
        "runner-maximum-timeout": { minSeconds: 600, maxSeconds: 10800, requireTimeout: true },
        "forbidden-project-assignment": { projectPatterns: ["^acme/platform/"] },
      }),
    );
    policy = ["--policy-pack", pack, "--policy-pack-config", config];
  });
  afterAll(async () => {
    await ws?.cleanup();
    await em?.stop();
  });

  it("stops the violating program at preview, each policy naming the plugin's resource", async () => {
    const { code, output } = await ws.preview(policy, { allowFailure: true });
    expect(code).not.toBe(0);
    const flat = output.replace(/\s+/g, " ");
    expect(flat).toContain("[mandatory] project-runner-locked (gitlab-runners:index:Runner: deploy)");
    expect(flat).toContain("Set locked: true.");
    expect(flat).toContain("[mandatory] deploy-runner-ref-protected (gitlab-runners:index:Runner: deploy)");
    expect(flat).toContain("maximumTimeout is 86400 seconds, above the maximum of 10800.");
    expect(flat).toContain(
      "[mandatory] forbidden-project-assignment (gitlab-runners:index:ProjectRunnerAssignment: deploy-platform)",
    );
    expect(created()).toHaveLength(0);
  });

  it("stops it at up too, before anything exists in GitLab", async () => {
    const { code, output } = await ws.run(["up", "--yes", ...policy], { allowFailure: true });
    expect(code).not.toBe(0);
    expect(output).toContain("project-runner-locked");
    expect(created()).toHaveLength(0);
  });

  it("deploys the compliant program with the pack, then destroys it", async () => {
    await writeFile(join(ws.programDir, "Pulumi.yaml"), compliant);
    const { output } = await ws.up(policy);
    expect(output).toMatch(/\+ 2 created/);
    expect(output).toContain("gitlab-runner-guardrails");
    expect(output).not.toContain("[mandatory]");
    expect(created()).toMatchObject([{ locked: true, accessLevel: "ref_protected", maximumTimeout: 1800 }]);
    await ws.destroy();
    expect(created()).toHaveLength(0);
  });
});
